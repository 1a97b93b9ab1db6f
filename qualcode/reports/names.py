"""Common Swedish first names (SCB's most frequent given names), for masking in quotes."""

FIRST_NAMES = frozenset("""
Agneta Agnes Albin Alexander Alfred Alice Alva Amanda Anders Andreas Anette Angelica Anita Ann
Anna Anneli Annika Anton Arne Arvid Astrid Axel Barbro Bengt Berit Birgitta Bo Britt Camilla
Carina Carl Caroline Cecilia Charlotte Christer Christian Christina Daniel David Ebba Edvin Elias
Elin Elisabeth Ella Ellen Elsa Emelie Emil Emma Erik Eva Felicia Filip Frida Fredrik Gunilla
Gunnar Gustav Hanna Hans Helena Henrik Hugo Ida Ingrid Isak Jan Jenny Jessica Joakim Johan Johanna
Johannes Jonas Jonathan Josefin Julia Jörgen Kajsa Karin Karl Katarina Kenneth Kent Kerstin Kjell
Klara Kristina Lars Leif Lena Lennart Linda Linnea Lisa Louise Lucas Magnus Maja Malin Maria
Marie Mario Markus Martin Mats Mattias Maximilian Mikael Moa Monica Nils Nora Olivia Olle Oscar
Oskar Per Peter Petra Rasmus Robert Roger Rolf Sara Sebastian Simon Siv Sofia Sofie Stefan Sten
Sven Susanne Teresia Therese Thomas Tobias Tomas Tove Ulf Ulla Ulrika Viktor Vilma Wilhelm
William Åsa Åke Ylva
""".split())

# First names that are also common Swedish words ("per" = per, "bo" = live, "sten" = stone):
# masked only when another capitalised word follows.
WORD_LIKE_NAMES = frozenset({"Bo", "Per", "Sten", "Siv", "Mario", "Klara", "Ella", "Lisa", "Moa",
                             "Nora", "Olle", "Ulla", "Hans", "Tove"})

"""The words reports are written in: Swedish for Swedish codebooks, English otherwise.

Sentences follow the Swedish writing rules the public sector uses (Språkrådet's "Svenska
skrivregler"): numbers up to twelve in words in running text, numbers compared in one
phrase written alike ("7 av 20", "sju av tolv"), and no sentence starting with a digit.
"""

SMALL_NUMBERS = {
    "sv": ["noll", "en", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva", "tolv"],
    "en": ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
           "eleven", "twelve"],
}
NEUTER_ONE = {"sv": "ett", "en": "one"}
THOUSANDS = {"sv": "\u00a0", "en": ","}   # 12 345 in Swedish (a no-break space), 12,345 in English
# Closed answers in their reading order, in either language (a Swedish survey may have an
# English codebook), and the answers that say nothing in particular, shown last.
ANSWER_SCALE = ["ja", "ja, helt", "ja, delvis", "delvis", "nej, inte alls", "nej", "yes", "partly", "no"]
RESIDUAL_ANSWERS = ["vet ej", "vet inte", "ingen åsikt", "annat", "annan", "övrigt", "inget svar", "ej svar",
                    "ingen", "inget", "don't know", "do not know", "no opinion", "other", "none", "no answer"]

WORDS = {
    "sv": {
        "language": "sv",
        "all": "(alla)", "no_value": "(inget värde)",
        "uncoded": "Med innehåll men utan tema", "no_content": "Svar utan innehåll (t.ex. ”vet ej”, ”-”)",
        "mask_name": "[namn]", "mask_email": "[e-post]", "mask_phone": "[telefon]",
        "mask_pnr": "[personnummer]",
        "title": "Rapport", "theme": "Tema", "respondents": "Respondenter",
        "share": "Andel", "group": "Grupper", "quotes": "Citat", "answer": "Svar",
        "all_questions": "Alla svar",
        "contents": "Innehåll", "respondent": "respondent",
        "intro": "Rapporten redovisar {answers} svar från {respondents} respondenter{questions}. "
                 "Fritextsvaren är kodade automatiskt med kodboken ”{codebook}” (version {version}); "
                 "hur det gick till står under {method}.",
        "intro_questions": " på {n} frågor",
        "follow_up": "Följdfråga: {question}",
        "closed_heading": "Svarsfördelning",
        "closed_heading_column": "Svarsfördelning ({column})",
        "themes_heading": "Teman i fritextsvaren",
        "closed_base": "Andel av de {base} respondenter som besvarade frågan.",
        "closed_base_one": "Andel av den enda respondent som besvarade frågan.",
        "closed_unanswered": "Av de {total} respondenterna lämnade {n} frågan obesvarad.",
        "closed_multi": "Flera alternativ kunde väljas, så andelarna summerar till mer än 100 %.",
        "closed_rounding": "Andelarna summerar till {total} % på grund av avrundning.",
        "closed_detected": "Att flera alternativ kunde väljas framgår av kolumnen {column}, där "
                           "alternativen står åtskilda med ”{separator}”; varje alternativ räknas för sig.",
        "attribute_heading": "Respondenterna efter {column}",
        "attribute_base": "Antal och andel av de {base} respondenterna.",
        "base_note": "Andelarna avser de {base} respondenter som svarade på frågan med innehåll.",
        "base_note_one": "Andelarna avser den enda respondent som svarade på frågan med innehåll.",
        "no_content_note": "Av de {answered} respondenterna gav {n} inget svar med innehåll (fältet "
                           "tomt eller till exempel ”vet ej” eller ”-”) och ingår inte i basen.",
        "uncoded_note": "Svaren från {n} av dem fångas inte av något av kodbokens teman.",
        "uncoded_note_one": "Svaret från en av dem fångas inte av något av kodbokens teman.",
        "nothing_coded": "Inget av svaren fångas av något av kodbokens teman.",
        "no_content_all": "Ingen av de {answered} respondenterna svarade på frågan med innehåll.",
        "no_content_all_one": "Den enda respondenten svarade inte på frågan med innehåll.",
        "small_groups": "Grupperna är små, så skillnader mellan dem bör läsas med försiktighet.",
        "method_appendix": "Alla inställningar står i bilagan sist i rapporten.",
        "small_base": "Underlaget är litet: varje respondent motsvarar {points} procentenheter, så "
                      "andelarna bör läsas med försiktighet.",
        "by_heading": "Teman efter {column}",
        "by_note": "Antal respondenter och andel av gruppens bas (n = respondenter i gruppen som "
                   "svarade med innehåll).",
        "hidden_named": "{groups} redovisas inte, eftersom färre än {min} av respondenterna i {which} "
                        "svarade med innehåll; så kan ingen enskild pekas ut. I counts.csv står talen "
                        "som ”<{min_digits}”.",
        "hidden_counted": "Här redovisas inte {n} grupper, eftersom färre än {min} av respondenterna i "
                          "var och en av dem svarade med innehåll; så kan ingen enskild pekas ut. I "
                          "counts.csv står talen som ”<{min_digits}”.",
        "hidden_group_one": "Gruppen {groups}", "hidden_group_many": "Grupperna {groups}",
        "hidden_which_one": "den", "hidden_which_many": "var och en av dem",
        "none_shown": "Fritextsvaren redovisas inte efter {column}: i ingen grupp svarade {min} eller "
                      "fler respondenter med innehåll, och mindre grupper visas inte så att ingen "
                      "enskild kan pekas ut.",
        "and": "och",
        "group_says_closed": "Vad säger de som svarade ”{group}”?",
        "group_says_multi": "Vad säger de som valde ”{group}”?",
        "group_says_attribute": "Vad säger gruppen ”{group}”?",
        "group_top": "Vanligast i gruppen: {themes}.",
        "of": "av",
        "cooccurrence": "Teman som förekommer tillsammans",
        "cooccurrence_note": "Antal svar med båda temana; diagonalen är antalet svar med temat.",
        "method": "Metod",
        "method_data": "Underlaget är {answers} svar från {respondents} respondenter, varav {with_content} "
                       "har innehåll.",
        "method_coding": "Fritextsvaren kodades automatiskt{date} med verktyget qualcode (version "
                         "{qualcode}) mot kodboken ”{codebook}”, version {version}, som har {codes} "
                         "teman. {how} Ett svar kan få flera teman eller inget.",
        "method_date": " den {date}",
        "how_accurate": "Varje svar jämfördes med temana på tre sätt: med kodbokens nyckelord, med "
                        "hur likt svaret är temats beskrivning och exempel enligt språkmodellen "
                        "{model}, och med en modell som lärt sig av de svar som kodboken kodar säkert.",
        "how_fast": "Varje svar jämfördes med temana på två sätt: med kodbokens nyckelord och med en "
                    "modell som lärt sig av ordförrådet i de svar som kodboken kodar säkert.",
        "how_trained": "Svaren kodades av en modell som tränats på handkodade svar ({model}).",
        "default_model": "multilingual-e5-small (körs lokalt, inga svar lämnar datorn)",
        "method_base": "Andelarna räknas per respondent, inte per svar: en respondent räknas en gång "
                       "per tema och fråga, hur många av hens svar som än bär temat. Basen är de "
                       "respondenter som svarade på frågan med innehåll. Ett överordnat tema räknar "
                       "med respondenter vars svar bär något av dess undertema. Andelarna är "
                       "avrundade till hela procent, där 0,5 avrundas uppåt, och kan därför summera "
                       "till något mer eller mindre än 100 %.",
        "method_quotes": "Citaten är valda för att vara typiska och olika varandra, helst hela svar. "
                         "Ett citat visas under ett tema bara när just de citerade meningarna bär "
                         "temat, genom ett av temats nyckelord eller för att meningen för sig får "
                         "temat, och varje mening citeras högst en gång per fråga.",
        "method_groups": "Fritextsvaren redovisas efter {column} bara för grupper där minst {min} "
                         "respondenter svarat med innehåll, så att ingen enskild kan pekas ut.",
        "anonymised": "Namn, e-postadresser, telefonnummer och personnummer är maskerade.",
        "appendix": "Bilaga: inställningar",
        "setting": "Inställning", "value": "Värde",
        "setting_names": {
            "codebook": "Kodbok", "version": "Kodbokens version", "hash": "Kodbokens kontrollsumma",
            "mode": "Kodningsläge", "embedder": "Språkmodell", "threshold": "Tröskel för att sätta ett tema",
            "seed": "Slumpfrö", "model": "Tränad modell", "fitted_on": "Svar som kodaren anpassades på",
            "created": "Kodat", "input": "Indatafil", "qualcode": "qualcode-version",
            "by": "Grupper efter", "min_group": "Minsta grupp som redovisas",
            "multi_choice": "Flervalskolumner", "follow_up": "Följdfrågor", "review": "Granskning",
        },
        "review_fact": "{reviewed} svar granskade av analytiker ({coders}), {machine} med enbart maskinens koder",
        "mode_names": {"accurate": "noggrant (nyckelord, språkmodell och självträning)",
                       "fast": "snabbt (nyckelord och självträning, ingen språkmodell)"},
        "default_threshold": "0,5 (standard; egna trösklar i kodboken gäller före)",
        "none": "inga", "yes": "ja", "no": "nej",
        "sheet_answers": "Svar", "sheet_counts": "Antal", "sheet_quotes": "Citat",
        "sheet_closed": "Svarsfördelning",
        "sheet_cooccurrence": "Samförekomst", "sheet_codebook": "Kodbok", "sheet_method": "Metod",
        "label": "Etikett", "description": "Beskrivning", "parent": "Överordnad",
        "closed_columns": ["question", "column", "alternative", "respondents", "base", "share"],
        "months": ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
                   "september", "oktober", "november", "december"],
        "date": "{day} {month} {year}", "time": "{date} kl. {hour:02d}.{minute:02d} (UTC)",
    },
    "en": {
        "language": "en",
        "all": "(all)", "no_value": "(no value)",
        "uncoded": "With content but no theme", "no_content": "Answers without content (e.g. \"don't know\", \"-\")",
        "mask_name": "[name]", "mask_email": "[e-mail]", "mask_phone": "[phone]",
        "mask_pnr": "[personal id]",
        "title": "Report", "theme": "Theme", "respondents": "Respondents",
        "share": "Share", "group": "Groups", "quotes": "Quotes", "answer": "Answer",
        "all_questions": "All answers",
        "contents": "Contents", "respondent": "respondent",
        "intro": "This report covers {answers} answers from {respondents} respondents{questions}. The "
                 "free-text answers were coded automatically with the codebook \"{codebook}\" (version "
                 "{version}); the {method} section says how.",
        "intro_questions": " to {n} questions",
        "follow_up": "Follow-up question: {question}",
        "closed_heading": "Answers",
        "closed_heading_column": "Answers ({column})",
        "themes_heading": "Themes in the free-text answers",
        "closed_base": "Share of the {base} respondents who answered the question.",
        "closed_base_one": "Share of the only respondent who answered the question.",
        "closed_unanswered": "Of the {total} respondents, {n} left the question unanswered.",
        "closed_multi": "Several alternatives could be chosen, so the shares add up to more than 100%.",
        "closed_rounding": "The shares add up to {total}% because of rounding.",
        "closed_detected": "That several alternatives could be chosen shows in the column {column}, "
                           "where they are separated by \"{separator}\"; each alternative is counted "
                           "on its own.",
        "attribute_heading": "The respondents by {column}",
        "attribute_base": "Number and share of the {base} respondents.",
        "base_note": "Shares of the {base} respondents who answered the question with content.",
        "base_note_one": "Shares of the only respondent who answered the question with content.",
        "no_content_note": "Of the {answered} respondents, {n} gave no answer with content (the field "
                           "empty or e.g. \"don't know\" or \"-\"); they are not in the base.",
        "uncoded_note": "The answers of {n} of them are not captured by any theme of the codebook.",
        "uncoded_note_one": "The answer of one of them is not captured by any theme of the codebook.",
        "nothing_coded": "None of the answers is captured by a theme of the codebook.",
        "no_content_all": "None of the {answered} respondents answered the question with content.",
        "no_content_all_one": "The only respondent did not answer the question with content.",
        "small_groups": "The groups are small, so read differences between them with care.",
        "method_appendix": "The appendix at the end lists every setting.",
        "small_base": "The base is small: each respondent is worth {points} percentage points, so read "
                      "the shares with care.",
        "by_heading": "Themes by {column}",
        "by_note": "Respondents and share of the group's base (n = respondents in the group who "
                   "answered with content).",
        "hidden_named": "{groups} are not shown because fewer than {min} of the respondents in {which} "
                        "answered with content, so that no one can be singled out. counts.csv shows "
                        "their numbers as \"<{min_digits}\".",
        "hidden_counted": "The table leaves out {n} groups because fewer than {min} of the respondents "
                          "in each of them answered with content, so that no one can be singled out. "
                          "counts.csv shows their numbers as \"<{min_digits}\".",
        "hidden_group_one": "The group {groups}", "hidden_group_many": "The groups {groups}",
        "hidden_which_one": "it", "hidden_which_many": "each of them",
        "none_shown": "The free-text answers are not shown by {column}: no group has {min} or more "
                      "respondents who answered with content, and smaller groups are not shown so "
                      "that no one can be singled out.",
        "and": "and",
        "group_says_closed": "What do those who answered \"{group}\" say?",
        "group_says_multi": "What do those who chose \"{group}\" say?",
        "group_says_attribute": "What does the group \"{group}\" say?",
        "group_top": "Most common in the group: {themes}.",
        "of": "of",
        "cooccurrence": "Themes that occur together",
        "cooccurrence_note": "Answers carrying both themes; the diagonal is the answers carrying the theme.",
        "method": "Method",
        "method_data": "The data are {answers} answers from {respondents} respondents, of which "
                       "{with_content} have content.",
        "method_coding": "The free-text answers were coded automatically{date} with qualcode (version "
                         "{qualcode}) against the codebook \"{codebook}\", version {version}, which has "
                         "{codes} themes. {how} An answer can carry several themes or none.",
        "method_date": " on {date}",
        "how_accurate": "Each answer was compared with the themes in three ways: the codebook's "
                        "keywords, how similar the answer is to the theme's description and examples "
                        "according to the language model {model}, and a model that learned from the "
                        "answers the codebook codes with confidence.",
        "how_fast": "Each answer was compared with the themes in two ways: the codebook's keywords "
                    "and a model that learned from the vocabulary of the answers the codebook codes "
                    "with confidence.",
        "how_trained": "The answers were coded by a model trained on hand-coded answers ({model}).",
        "default_model": "multilingual-e5-small (run locally; no answer leaves the computer)",
        "method_base": "Shares are per respondent, not per answer: a respondent counts once per "
                       "theme and question however many of their answers carry it. The base is "
                       "the respondents who answered the question with content. A parent theme "
                       "counts the respondents whose answers carry any of its sub-themes. Shares "
                       "are rounded to whole percent, halves up, and may therefore add up to a "
                       "little more or less than 100%.",
        "method_quotes": "Quotes are chosen to be typical and different from each other, whole "
                         "answers where possible. A quote stands under a theme only when the quoted "
                         "sentences themselves carry the theme, through one of its keywords or "
                         "because the sentence on its own gets the theme, and each sentence is quoted "
                         "at most once per question.",
        "method_groups": "The free-text answers are shown by {column} only for groups where at least "
                         "{min} respondents answered with content, so that no one can be singled out.",
        "anonymised": "Names, e-mail addresses, phone numbers and personal identity numbers are masked.",
        "appendix": "Appendix: settings",
        "setting": "Setting", "value": "Value",
        "setting_names": {
            "codebook": "Codebook", "version": "Codebook version", "hash": "Codebook checksum",
            "mode": "Coding mode", "embedder": "Language model", "threshold": "Threshold for a theme",
            "seed": "Random seed", "model": "Trained model", "fitted_on": "Answers the coder was fitted on",
            "created": "Coded", "input": "Input file", "qualcode": "qualcode version",
            "by": "Groups by", "min_group": "Smallest group shown",
            "multi_choice": "Multiple-choice columns", "follow_up": "Follow-up questions", "review": "Review",
        },
        "review_fact": "{reviewed} answers reviewed by analysts ({coders}), {machine} with the machine's codes alone",
        "mode_names": {"accurate": "accurate (keywords, language model and self-training)",
                       "fast": "fast (keywords and self-training, no language model)"},
        "default_threshold": "0.5 (default; thresholds in the codebook take precedence)",
        "none": "none", "yes": "yes", "no": "no",
        "sheet_answers": "Answers", "sheet_counts": "Counts", "sheet_quotes": "Quotes",
        "sheet_closed": "Closed answers",
        "sheet_cooccurrence": "Co-occurrence", "sheet_codebook": "Codebook", "sheet_method": "Method",
        "label": "Label", "description": "Description", "parent": "Parent",
        "closed_columns": ["question", "column", "alternative", "respondents", "base", "share"],
        "months": ["January", "February", "March", "April", "May", "June", "July", "August",
                   "September", "October", "November", "December"],
        "date": "{day} {month} {year}", "time": "{date}, {hour:02d}:{minute:02d} UTC",
    },
}


def words_for(codebook=None):
    """The report words in the codebook's language (Swedish without a codebook)."""
    language = codebook.language if codebook is not None else "sv"
    return WORDS.get(language, WORDS["en"])


def number(n, words, neuter=False):
    """``n`` as running text writes it: "sju" for 7 (up to twelve in words), "1 234" above."""
    n = int(n)
    language = words["language"]
    if 0 <= n <= 12:
        return NEUTER_ONE[language] if n == 1 and neuter else SMALL_NUMBERS[language][n]
    return f"{n:,}".replace(",", THOUSANDS[language])


def numbers(values, words, neuter=False):
    """Numbers compared in one phrase, written alike: all in words when all are up to twelve,
    else all in digits ("7 av 20", not "sju av 20")."""
    values = [int(v) for v in values]
    if all(0 <= v <= 12 for v in values):
        return [number(v, words, neuter) for v in values]
    return [f"{v:,}".replace(",", THOUSANDS[words["language"]]) for v in values]


def listing(items, words):
    """"a, b och c"; items that hold commas themselves are separated by semicolons ("a; b, c; d")."""
    items = list(items)
    if any("," in item for item in items):
        return "; ".join(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {words['and']} " + items[-1]


def long_date(value, words, with_time=False):
    """An ISO timestamp as a date in words, "6 december 2026" (with the time in UTC: "6 december
    2026 kl. 03.20 (UTC)"); "" when unreadable."""
    import datetime as dt

    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return ""
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.timezone.utc)
    date = words["date"].format(day=moment.day, month=words["months"][moment.month - 1], year=moment.year)
    return words["time"].format(date=date, hour=moment.hour, minute=moment.minute) if with_time else date

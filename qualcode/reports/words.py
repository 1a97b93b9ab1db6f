"""The words reports are written in: Swedish for Swedish codebooks, English otherwise."""

WORDS = {
    "sv": {
        "all": "(alla)", "no_value": "(inget värde)",
        "uncoded": "Med innehåll men utan tema", "no_content": "Svar utan innehåll (t.ex. ”vet ej”, ”-”)",
        "mask_name": "[namn]", "mask_email": "[e-post]", "mask_phone": "[telefon]",
        "mask_pnr": "[personnummer]",
        "title": "Rapport", "theme": "Tema", "respondents": "Respondenter",
        "share": "Andel", "group": "Grupper", "quotes": "Citat",
        "all_questions": "Alla svar",
        "base_note": "Andel av de {base} respondenter som gav ett svar med innehåll{to_q}.",
        "to_question": " på frågan",
        "no_content_note": "{n} av {answered} respondenter svarade utan innehåll (t.ex. ”vet ej”, ”-”) "
                           "och ingår inte i basen. {uncoded} svarade med innehåll som inget tema fångar.",
        "by_heading": "Efter {column}",
        "by_note": "Antal respondenter och andel av gruppens bas (n = respondenter med innehåll i "
                   "svaret).",
        "hidden_note": "{n} grupper med färre än {min} respondenter visas inte, så att ingen kan "
                       "identifieras (de står som ”<{min}” i counts.csv).",
        "group_says": "Vad säger de som svarade ”{group}”?",
        "group_top": "Vanligast: {themes}.",
        "cooccurrence": "Teman som förekommer tillsammans",
        "cooccurrence_note": "Antal svar med båda temana; diagonalen är antalet svar med temat.",
        "method": "Metod",
        "codebook": "Kodbok", "version": "version", "hash": "innehållshash",
        "answers": "Svar", "with_content": "med innehåll", "settings": "Inställningar",
        "method_base": "Andelarna räknas per respondent, inte per svar: en respondent räknas en gång "
                       "per tema och fråga, hur många av hens svar som än bär temat. Basen är de "
                       "respondenter som gav ett svar med innehåll på frågan. Ett överordnat tema "
                       "räknar med respondenter vars svar bär något av dess undertema.",
        "method_quotes": "Citaten är valda för att vara typiska (hög säkerhet och nära temats "
                         "kärna) och olika varandra, och är kortade till de meningar som bär temat.",
        "anonymised": "Namn, e-postadresser, telefonnummer och personnummer är maskerade.",
        "none": "inga",
        "sheet_answers": "Svar", "sheet_counts": "Antal", "sheet_quotes": "Citat",
        "sheet_cooccurrence": "Samförekomst", "sheet_codebook": "Kodbok", "sheet_method": "Metod",
        "label": "Etikett", "description": "Beskrivning", "parent": "Överordnad",
        "contents": "Innehåll", "respondent": "respondent",
        "groups_fact": "efter {by}; grupper med färre än {min} respondenter visas inte",
    },
    "en": {
        "all": "(all)", "no_value": "(no value)",
        "uncoded": "With content but no theme", "no_content": "Answers without content (e.g. \"don't know\", \"-\")",
        "mask_name": "[name]", "mask_email": "[e-mail]", "mask_phone": "[phone]",
        "mask_pnr": "[personal id]",
        "title": "Report", "theme": "Theme", "respondents": "Respondents",
        "share": "Share", "group": "Groups", "quotes": "Quotes",
        "all_questions": "All answers",
        "base_note": "Share of the {base} respondents who gave an answer with content{to_q}.",
        "to_question": " to the question",
        "no_content_note": "{n} of {answered} respondents answered without content (e.g. \"don't "
                           "know\", \"-\") and are not in the base. {uncoded} answered with content "
                           "that no theme captures.",
        "by_heading": "By {column}",
        "by_note": "Respondents and share of the group's base (n = respondents who answered "
                   "with content).",
        "hidden_note": "{n} groups with fewer than {min} respondents are not shown, so that no one "
                       "can be identified (counts.csv shows them as \"<{min}\").",
        "group_says": "What do those who answered \"{group}\" say?",
        "group_top": "Most common: {themes}.",
        "cooccurrence": "Themes that occur together",
        "cooccurrence_note": "Answers carrying both themes; the diagonal is the answers carrying the theme.",
        "method": "Method",
        "codebook": "Codebook", "version": "version", "hash": "content hash",
        "answers": "Answers", "with_content": "with content", "settings": "Settings",
        "method_base": "Shares are per respondent, not per answer: a respondent counts once per "
                       "theme and question however many of their answers carry it. The base is "
                       "the respondents who gave an answer with content to the question. A parent "
                       "theme counts the respondents whose answers carry any of its sub-themes.",
        "method_quotes": "Quotes are chosen to be typical (high confidence, close to the theme's "
                         "core) and different from each other, trimmed to the sentences that "
                         "carry the theme.",
        "anonymised": "Names, e-mail addresses, phone numbers and personal identity numbers are masked.",
        "none": "none",
        "sheet_answers": "Answers", "sheet_counts": "Counts", "sheet_quotes": "Quotes",
        "sheet_cooccurrence": "Co-occurrence", "sheet_codebook": "Codebook", "sheet_method": "Method",
        "label": "Label", "description": "Description", "parent": "Parent",
        "contents": "Contents", "respondent": "respondent",
        "groups_fact": "by {by}; groups with fewer than {min} respondents are not shown",
    },
}


def words_for(codebook=None):
    """The report words in the codebook's language (Swedish without a codebook)."""
    language = codebook.language if codebook is not None else "sv"
    return WORDS.get(language, WORDS["en"])

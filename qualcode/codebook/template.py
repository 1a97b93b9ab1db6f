"""The commented starter codebook written by ``qualcode codebook new``."""

TEMPLATE = """\
# A qualcode codebook (YAML, UTF-8). Check it with: qualcode codebook validate FILE
name: Min kodbok                  # required: the codebook's name
language: sv                      # required: ISO 639-1 language of the answers (sv, en, ...)
version: 1                        # optional: raise it when you change the codes

codes:                            # required: one entry per code, in the order reports use
  - id: resources                 # required: a-z, 0-9 and _, starting with a letter; unique
    label: Ekonomi och resurser   # required: the name shown in reports
    description: >                # required: what the code covers, in prose
      Pengar, budget, ansträngd ekonomi, brist på personal eller tid.
    include: Gäller när svaret tar upp kostnader, budget eller bemanning.   # optional
    exclude: Gäller inte ekonomiskt bistånd till invånare.                  # optional
    # keywords: a bare word matches its inflections and compounds (budget -> budgeten,
    # budgetram); "a phrase" matches the words in order; a trailing * matches a prefix.
    keywords: [ekonomi, budget, kostnad, "inte råd", resurs*]
    exclude_keywords: ["ekonomiskt bistånd"]   # optional: a match blocks the code in the sentence
    examples:                     # optional: answers that clearly carry the code
      - Vi har inte råd att köpa in nya system.
    color: "#1f77b4"              # optional: "#RRGGBB"
    # threshold: 0.5              # optional: decision threshold for this code, 0 to 1
    # status: suggested           # optional: active (default) or suggested (shown, not applied)
    # note: fritext               # optional: your memo

  - id: staffing                  # a child code: parent names another code's id
    label: Personalbrist
    description: För lite personal eller tid för utvecklingsarbete.
    keywords: [personalbrist, bemanning, "ont om tid"]
    parent: resources
"""

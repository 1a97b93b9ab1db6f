"""Finding the columns the analyst named, and saying precisely which exist when one does not."""
import difflib
import fnmatch
import re

from qualcode.errors import InputError, located

LISTED_COLUMNS = 30
ID_LIKE = re.compile(r"(?:^|[\s_.\-])id$|^id(?:[\s_.\-]|$)|[a-zåäö]ID$|^ID$", re.IGNORECASE)
QUESTION_CODE = re.compile(
    r"^\s*((?:[A-Za-zÅÄÖåäö]{1,6}\s?)?\d+[a-z]?(?:[._]\d+)*)(?=[\s.:)\-]|$)")
REGEX_PREFIX = "re:"


def require_column(columns, name, option, path):
    """Return ``name`` if it is a column, else raise InputError listing the columns."""
    if name in columns:
        return name
    raise InputError(located(path, missing_column_message(columns, name, option)))


def missing_column_message(columns, name, option):
    """'there is no column 'x'; did you mean 'X'? the columns are: ...; pass OPTION NAME'."""
    close = close_names(columns, name)
    hint = f"; did you mean {close[0]!r}?" if close else "."
    return (f"there is no column {name!r}{hint} The columns are: {list_columns(columns)}. "
            f"Pass {option} with one of them")


def close_names(columns, name):
    """Columns that look like ``name``, ignoring case, closest first."""
    folded = {column.casefold(): column for column in reversed(columns)}
    matches = difflib.get_close_matches(name.casefold(), list(folded), n=3, cutoff=0.6)
    return [folded[match] for match in matches]


def list_columns(columns):
    """The column names, quoted, the first LISTED_COLUMNS of them."""
    shown = ", ".join(repr(column) for column in columns[:LISTED_COLUMNS])
    more = len(columns) - LISTED_COLUMNS
    return shown + (f" and {more} more" if more > 0 else "")


def id_like_columns(columns):
    """Columns that seem meant as ids ('ID', 'Respondent ID', 'svar_id'), to suggest them."""
    return [column for column in columns if ID_LIKE.search(column)]


def select_questions(columns, questions, path):
    """The question columns of a wide table, as (column, question key) pairs in table order.

    ``questions`` is a list of names or a string: comma-separated names ('Q5,Q8'; a name also
    matches a column that starts with it, like 'Q5. Vad ...'), a glob ('Q*') or a regular
    expression ('re:^F\\d+'). The key is the name given, else the column's leading question
    code ('Q5', 'F12', '3.2'), else the whole column name.
    """
    if isinstance(questions, str) and questions.strip().startswith(REGEX_PREFIX):
        matched = _matching_regex(columns, questions.strip()[len(REGEX_PREFIX):], path)
    elif isinstance(questions, str) and any(char in questions for char in "*?["):
        matched = [column for column in columns if fnmatch.fnmatchcase(column, questions.strip())]
    else:
        return _named_questions(columns, questions, path)
    if not matched:
        raise InputError(located(path, f"--questions {questions!r} matches no column; "
                                       f"the columns are: {list_columns(columns)}"))
    return _keyed(matched)


def _matching_regex(columns, pattern, path):
    try:
        regex = re.compile(pattern)
    except re.error as error:
        raise InputError(located(path, f"--questions: {pattern!r} is not a valid regular "
                                       f"expression ({error})")) from None
    return [column for column in columns if regex.search(column)]


def _named_questions(columns, questions, path):
    names = questions.split(",") if isinstance(questions, str) else list(questions)
    names = [str(name).strip() for name in names if str(name).strip()]
    if not names:
        raise InputError(located(path, "--questions names no column; give e.g. 'Q5,Q8' or 'Q*'"))
    chosen = [(_column_named(columns, name, path), name) for name in names]
    order = {column: index for index, column in enumerate(columns)}
    return sorted(dict(chosen).items(), key=lambda pair: order[pair[0]])


def _column_named(columns, name, path):
    if name in columns:
        return name
    starting = [column for column in columns
                if column.startswith(name) and not column[len(name)].isalnum()]
    if len(starting) == 1:
        return starting[0]
    if starting:
        raise InputError(located(path, f"--questions: {name!r} could be any of "
                                       f"{list_columns(starting)}; give the whole column name"))
    raise InputError(located(path, missing_column_message(columns, name, "--questions")))


def _keyed(matched):
    codes = [QUESTION_CODE.match(column) for column in matched]
    keys = [code.group(1).strip() if code else column for code, column in zip(codes, matched)]
    if len(set(keys)) < len(keys):
        keys = list(matched)
    return list(zip(matched, keys))

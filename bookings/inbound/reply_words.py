"""What a senior's SMS means, in their own words: "Ja bitte", "Nein, ich kann nicht",
"Termin absagen", "jaa 👍" …

`reply_meaning` answers YES, NO, STOP or None. None means "a person should read this":
a question, a reply that says yes and no, "vielleicht", or words that say more than yes
or no ("Ja, aber erst um 11?"). Acting on a guess would be worse than a call from the
office, so only a reply made of known words acts.
"""

from __future__ import annotations

import re
import unicodedata

YES = "yes"
NO = "no"
STOP = "stop"

# Words are compared with repeated letters folded ("jaaa", "neeein", "komme" → "kome").
_YES_WORDS = {
    "ja", "j", "jo", "joa", "jup", "jep", "jap", "yes", "jawohl", "jawol", "jawoll", "yo",
    "ok", "okay", "oki", "okey", "einverstanden", "bestätigt", "bestätige",
    "bestätigen", "bestaetigt", "bestaetige", "bestaetigen", "gebucht", "dabei", "klar",
    "selbstverständlich", "sicher", "gut", "prima", "super", "wunderbar", "genau",
    "richtig", "zusage", "zugesagt",
}  # fmt: skip
_NO_WORDS = {
    "nein", "n", "ne", "nee", "nö", "noe", "nop", "nope", "nien", "nain", "neinn", "no",
    "absagen", "absage", "abgesagt", "stornieren", "storniere", "storno", "storniert",
    "streichen",
}  # fmt: skip
# Verbs that say yes alone ("ich komme") and no with "nicht"/"kein" ("komme nicht").
_COMING = {"komme", "kommen", "kann", "schaffe", "schaff", "passt", "geht", "klappt", "da"}
_NOT = {"nicht", "nich", "net", "nit", "kein", "keine", "keinen", "leider"}
# Phrases of two words that cancel: "sage ab", "sag den Termin ab".
_CANCEL_PARTICLE = "ab"
_CANCEL_VERBS = {"sage", "sag", "sagen", "melde", "melden"}
# Words that make a reply open, whatever else it says.
_UNSURE = {
    "vielleicht", "evtl", "eventuell", "weiß", "weiss", "unsicher", "womöglich",
    "wahrscheinlich", "möglicherweise", "aber", "oder", "verschieben", "verlegen",
    "später", "anders", "anderen", "anderer", "anrufen", "rückruf", "zurückrufen", "wann",
    "wo", "warum", "wer", "wie",
}  # fmt: skip
# Words that add nothing to yes or no.
_FILLER = {
    "bitte", "danke", "dank", "dankeschön", "vielen", "herzlichen", "herzlich", "lieben",
    "liebe", "lieber", "viele", "gerne", "gern", "ich", "wir", "werde", "werden", "bin",
    "sind", "den", "dem", "die", "das", "der", "termin", "mein", "meinen", "meine", "es",
    "so", "also", "hallo", "guten", "tag", "bis", "dann", "mfg", "gruß", "grüße", "grüßen",
    "grüssen", "gruss", "grüsse", "freundliche", "freundlichen", "natürlich", "sehr",
    "auf", "jeden", "fall",
    "alles", "ja", "doch", "muss", "möchte", "moechte", "will", "würde", "hiermit",
    "leider", "frau", "herr", "da", "am", "um", "und", "mit", "zum", "zu", "hin", "für",
    "schön", "schon", "wieder", "gesund", "krank", "ist", "hat", "habe", "uhr",
    "morgen", "heute", "dienstag", "montag", "mittwoch", "donnerstag", "freitag",
    "samstag", "sonntag", "dir", "ihnen", "euch", "mal", "einen", "eine", "ein",
}  # fmt: skip
_EMOJI_YES = {"👍", "✅", "👌", "✔", "☑", "🆗"}
_EMOJI_NO = {"👎", "❌", "✖", "🚫"}
_STOP_WORDS = {"STOP", "STOPP"}


def _fold(word: str) -> str:
    return re.sub(r"(.)\1+", r"\1", word)


_YES = {_fold(w) for w in _YES_WORDS}
_NO = {_fold(w) for w in _NO_WORDS}
_COMING_F = {_fold(w) for w in _COMING}
_NOT_F = {_fold(w) for w in _NOT}
_UNSURE_F = {_fold(w) for w in _UNSURE}
_FILLER_F = {_fold(w) for w in _FILLER}
_CANCEL_VERBS_F = {_fold(w) for w in _CANCEL_VERBS}


def _words(body: str) -> list[str]:
    text = unicodedata.normalize("NFC", body).lower()
    return [_fold(word) for word in re.findall(r"[a-zäöüß]+|\d+", text)]


def reply_meaning(body: str) -> str | None:
    """YES, NO or STOP for a reply that clearly says so; None for a person to read."""
    if re.sub(r"[^A-Z]", "", body.strip().upper()) in _STOP_WORDS and len(body) < 12:
        return STOP
    bare = re.sub(r"\W", "", body)
    if bare in {"1", "2"}:
        return YES if bare == "1" else NO
    if "?" in body:
        return None
    words = _words(body)
    signals = {YES: 0, NO: 0}
    signals[YES] += sum(ch in _EMOJI_YES for ch in body)
    signals[NO] += sum(ch in _EMOJI_NO for ch in body)
    negated = any(word in _NOT_F for word in words)
    for index, word in enumerate(words):
        if word in _UNSURE_F or word.isdigit():
            return None
        if word in _YES:
            signals[YES] += 1
        elif word in _NO:
            signals[NO] += 1
        elif word in _COMING_F:
            signals[NO if negated else YES] += 1
        elif word == _CANCEL_PARTICLE and any(w in _CANCEL_VERBS_F for w in words[:index]):
            signals[NO] += 1
        elif word in _NOT_F or word in _FILLER_F or word in _CANCEL_VERBS_F:
            continue
        else:
            return None  # a word that may say more than yes or no
    if negated and not signals[NO]:
        return None  # "nicht" without a verb it belongs to
    if bool(signals[YES]) == bool(signals[NO]):
        return None  # neither, or both: "ja nein"
    return YES if signals[YES] else NO


# A score in people's own words: "4", "4 danke", "5!", "Note 3", "eine Vier", "4 von 5".
_SCORE_WORDS = {"eins": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "fuenf": 5}
_SCORE_FILLER = {
    "sterne", "stern", "punkte", "punkt", "gebe", "geben", "gib", "ich", "eine", "ein",
    "die", "danke", "dankeschön", "vielen", "dank", "herzlichen", "herzlich", "bitte",
    "gerne", "gern", "mfg", "gruß", "grüße", "liebe", "lieben",
}  # fmt: skip
_SCORE_FILLER_F = {_fold(w) for w in _SCORE_FILLER}
# School grades run the other way (1 = sehr gut): "Note 1" is read by a person; only
# the middle, "Note 3", means the same on both scales.
_GRADE_WORDS = {"note", "schulnote"}
_OUT_OF_FIVE = re.compile(r"(?:\bvon|/)\s*(?:5|fünf)\b", re.IGNORECASE)


def feedback_score(body: str) -> int | None:
    """1 to 5 for a reply that is one score and nothing else; None otherwise ("3 oder
    4", "10", "Es war gut"), so that a person reads it."""
    if "?" in body:
        return None
    scores, grade = [], False
    for word in _words(_OUT_OF_FIVE.sub(" ", body)):
        if word.isdigit():
            scores.append(int(word))
        elif word in _SCORE_WORDS:
            scores.append(_SCORE_WORDS[word])
        elif word in _GRADE_WORDS:
            grade = True
        elif word not in _SCORE_FILLER_F:
            return None
    if len(scores) != 1 or not 1 <= scores[0] <= 5 or (grade and scores[0] != 3):
        return None
    return scores[0]

"""Common misspellings of the words privacy questions turn on ("Dose CT1 sel my infomation?"), put right before a
question is read: a typo in "does" makes a yes-no question an open one, a typo in "sell" loses the practice asked.
Only whole words, each with one obvious intended word; the answer shows the question as read ("Interpreted as")."""

from __future__ import annotations

import re

_RIGHT = {
    # question words
    "dose": "does", "doese": "does", "dosent": "doesn't", "doesnt": "doesn't", "dont": "don't", "wont": "won't",
    "cant": "can't", "isnt": "isn't", "waht": "what", "wat": "what", "wich": "which", "whcih": "which",
    "witch": "which", "hwo": "how", "whos": "who's", "wher": "where", "wil": "will", "wud": "would", "cud": "could",
    "shud": "should", "thier": "their",
    # text speak ("whats cloudsentrics address", "how do i stop their text msgs")
    "whats": "what's", "wheres": "where's", "hows": "how's", "msg": "message", "msgs": "messages", "txt": "text",
    "txts": "texts", "pls": "please", "plz": "please", "thx": "thanks", "info's": "information",
    # practices and what they act on
    "sel": "sell", "sels": "sells", "seling": "selling", "shere": "share", "shair": "share", "shareing": "sharing",
    "infomation": "information", "informaton": "information", "infromation": "information",
    "imformation": "information", "informtion": "information", "informations": "information",
    "personnal": "personal", "partys": "parties", "parites": "parties", "thrid": "third", "3rd": "third",
    "delet": "delete", "deleat": "delete", "deleet": "delete", "recieve": "receive", "recieved": "received",
    "cookis": "cookies", "cookes": "cookies", "cokies": "cookies", "encript": "encrypt", "encripted": "encrypted",
    "encrpyt": "encrypt", "adress": "address", "adresses": "addresses", "emial": "email",
    "privicy": "privacy", "privacey": "privacy", "pirvacy": "privacy", "polciy": "policy", "poilcy": "policy",
    "retian": "retain", "retension": "retention", "childrens": "children's", "compnay": "company",
    "comapny": "company", "compnaies": "companies", "companys": "companies", "marketting": "marketing",
    "unsubscibe": "unsubscribe", "consant": "consent", "concent": "consent", "transfered": "transferred",
    "abroard": "abroad", "securly": "securely", "secuirty": "security", "securty": "security",
    "guarentee": "guarantee", "gaurantee": "guarantee", "garantee": "guarantee", "guarrantee": "guarantee",
    "recrod": "record", "recrods": "records", "recroded": "recorded", "recroding": "recording", "reocrd": "record",
    "suport": "support", "supprot": "support", "actualy": "actually", "compnies": "companies", "comapnies": "companies",
    # British slang for selling ("do CI flog customer details to other companies?")
    "flog": "sell", "flogs": "sells", "flogging": "selling", "flogged": "sold",
}
_WORD = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, _RIGHT), key=len, reverse=True)) + r")\b", re.IGNORECASE)
# Letters for words in text speak ("r my calls to concero recorded"), only in lower case between spaces (not "U.S.",
# "R&D", "N. Ireland")
_SPEAK = {"u": "you", "r": "are", "n": "and", "ur": "your"}
_LETTERS = re.compile(r"(?<!\S)(?:" + "|".join(sorted(_SPEAK, key=len, reverse=True)) + r")(?=\s)")


# A question typed in capitals ("HOW LONG DOES CONCERO KEEP CALL RECORDINGS?") is read in lower case, but for the
# acronyms people write in capitals anyway and names holding a digit ("CT1", "23T"): else every word is a name
_SHOUTED_KEPT = frozenset("UK EU EEA USA GDPR ICO DPO CCTV CV CVS SMS DPA PECR AI ISO TLS SSL HMRC NHS CCPA DSAR VPN "
                          "MFA PII ID IP CI".split())
_LETTER_WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")


def unshouted(question: str) -> str:
    """`question` in lower case when it is typed in capitals (at least three words, nearly all in capitals), but for
    `_SHOUTED_KEPT` and words holding a digit; else as it is."""
    words = _LETTER_WORD.findall(question)
    if len(words) < 3 or sum(w.isupper() for w in words) < 0.8 * len(words):
        return question
    return re.sub(r"[\w'’&.-]+", lambda m: m.group() if m.group() in _SHOUTED_KEPT or re.search(r"\d", m.group())
                  else m.group().lower(), question)


def respelled(question: str) -> str:
    """`question` with the misspellings of `_RIGHT` put right, keeping an initial capital (read in lower case when it
    is typed in capitals: `unshouted`)."""
    question = unshouted(question)
    def right(match: re.Match) -> str:
        word = _RIGHT[match.group(0).lower()]
        return word[:1].upper() + word[1:] if match.group(0)[:1].isupper() else word
    return _LETTERS.sub(lambda m: _SPEAK[m.group(0)], _WORD.sub(right, question))

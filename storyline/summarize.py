"""A neutral extractive summary in which every sentence cites its sources.

Three fitted parts (``tools/fit_summary.py``, NeuS train; choices by 5-fold CV on train and NeuS val, pooled):

1. Word model. A logistic model gives, for each word (stem) of the story and each ``j`` = 1, 2, ..., the
   probability that a neutral summary uses it at least ``j`` times, from story-level evidence: the share of
   the articles using it, its count, the share of sentences and of article leads holding it, its earliest
   position, the headlines using it, whether it is a number or a capitalised name, the share of its uses
   inside quotation marks, whether it is a stop word, plus one learned offset per stop word and per common
   word (summaries say "and", "that", "in", "vote", "bill" more often, "I", "we", "just", "big", "massive"
   less often than news copy).
2. Copy model. Neutral summaries often take one outlet's sentence (mostly a lead) nearly word for word; a
   logistic model gives each candidate sentence the probability that the summary copies it, from lead
   position, support by the other articles, overlap with the headlines, the word model's mean probability of
   its words, length, quotation marks and a dangling opening pronoun.
3. Choice score. Every mention of every claim is a candidate sentence; a choice is a set of candidates, at
   most one per claim, read in story order and cut at the word budget. Its score is linear in
   :data:`CHOICE_FEATURES`: the expected unigram F1 of the cut summary under the word model (expected matches
   use clipped counts, so a sentence repeating words already chosen gains little: the redundancy control),
   the sentences' own features and their claims' source counts weighted by their words kept, the
   cross-article support of the bigrams kept, and the fill. The weights maximise the ROUGE-1 of the best
   choice on NeuS train (a softmax relaxation).

The best choice is found among all choices when there are few (NeuS stories: ~40), else greedily (add the
candidate that most raises the score until the budget is filled). Only choices that fill the budget (if any
can) and stay within ``OVERSHOOT`` x budget (or are one sentence) are allowed. The summary is put in story
order; each sentence cites its claim's sources.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain

import numpy as np

from .align import Alignment
from .clean import normalize
from .model import Claim, Sentence, SummarySentence
from .segment import STOPWORDS, stem

DEFAULT_WORDS = 100
MAX_COUNT = 4  # model P(used >= j times) for j = 1..MAX_COUNT; later repeats earn nothing
OVERSHOOT = 1.5  # never pass this x the budget (the sentence that reaches the budget may overshoot it)
MIN_WORDS, MAX_WORDS = 6, 60  # candidate sentence length bounds (words), when there are more than 3 claims
POOL = 64  # candidates kept for the greedy search (best expected precision first); NeuS stories have fewer
MAX_SUBSETS = 1024  # choose among all choices when there are no more than this many, else greedily
MAX_CELLS = 250_000  # ... and no more than this many (choice, word) cells to count

_WORD = re.compile(r"[a-z0-9]+")
_CAPITALISED = re.compile(r"(?<=[\w,;:] )[A-Z][\w'-]*")  # a capitalised word inside a sentence: a name
_QUOTED = re.compile(r"\"[^\"]*\"")
_DANGLING = re.compile(
    r"^[\"'(]*(he|she|they|it|this|these|those|his|her|their|its|that|but|and|however|also)\b", re.I
)

STOP_STEMS = tuple(sorted(w for w in STOPWORDS if _WORD.fullmatch(w)))
_STOP_INDEX = {w: k for k, w in enumerate(STOP_STEMS)}

TOKEN_FEATURES = (
    "article_share",  # share of the articles using the word
    "all_articles",  # every article uses it (and there are several)
    "log_count",  # log(1 + occurrences in the story)
    "sentence_share",  # share of the story's sentences holding it
    "stop",  # a stop word
    "title_share",  # share of the headlines using it
    "lead_share",  # share of the articles whose first sentence holds it
    "first_position",  # earliest relative position in an article
    "number",
    "name",  # capitalised inside a sentence somewhere (and not a stop word)
    "in_title",  # some headline uses it
    "quoted",  # share of its occurrences inside quotation marks
    "log_count_per_j",  # log(1 + occurrences / j)
    "j2",
    "j3plus",
    "stop_j2plus",
    "stop_x_article_share",
)
BASE = len(TOKEN_FEATURES) - 5  # story-level features; the last 5 depend on j
# Fitted by tools/fit_summary.py on all 2,452 stories of ../shared/data/dev/neus_train.jsonl (C = 1; offsets
# for the stop words and for the words of >= 40 training stories that are not mostly capitalised names).
# fmt: off
TOKEN_WEIGHTS = np.array([
    1.049, -0.056, 0.421, -0.397, 0.621, 1.115, 0.394, -0.390, 0.643, 0.634, 0.247, 0.151, 1.409, -1.942,
    -2.912, 0.887, -1.483
])
TOKEN_BIAS = -3.478
WORD_BIAS: dict[str, float] = {  # per stop word or common word, added to the log-odds
    "a": 1.29, "abil": -0.15, "abl": -0.07, "about": 0.07, "abus": 0.15, "accept": -0.16, "access": 0.56,
    "accord": -0.06, "account": 0.59, "accus": 0.30, "acknowledg": -0.25, "across": -0.20, "action": 0.08,
    "activ": -0.46, "activist": -0.14, "add": 0.31, "addit": -0.49, "address": 0.52, "administr": 0.50,
    "admit": -0.15, "advanc": 0.04, "advis": 0.05, "affair": -0.27, "after": 0.53, "afternoon": -0.30,
    "again": -1.19, "against": 0.26, "age": 0.75, "agenc": 0.29, "agenda": -0.18, "aggress": -0.33, "ago":
    -1.09, "agre": 0.08, "agreement": 0.15, "ahead": -0.37, "aid": 0.22, "aim": -0.17, "air": 0.05, "all":
    -0.01, "alleg": 0.72, "alli": 0.14, "allow": 0.69, "almost": -0.74, "along": -0.15, "alreadi": -0.12,
    "also": 0.63, "am": -0.78, "amid": -0.71, "among": -0.81, "an": 0.56, "and": 1.76, "ani": 0.13,
    "announc": 0.81, "anoth": -0.56, "answer": -0.20, "anti": -0.21, "anticip": -0.49, "ap": -1.42, "appar":
    -0.32, "appeal": 0.32, "appear": -0.53, "appli": -0.09, "applic": -0.21, "approach": -0.44, "approv":
    0.76, "are": 0.52, "area": -0.77, "argu": -0.08, "arm": -0.35, "around": -0.69, "arrest": 0.35, "arriv":
    -0.26, "articl": 0.52, "as": 0.55, "ask": 0.33, "assault": 0.57, "assist": 0.10, "at": 0.18, "attack":
    0.14, "attempt": -0.01, "attorney": 0.42, "author": 0.30, "avail": 0.21, "averag": 0.48, "avoid": 0.15,
    "away": -1.12, "back": -0.53, "ballot": 0.79, "ban": 1.01, "bar": -0.67, "base": -0.39, "battl": 0.07,
    "be": 0.58, "becam": -0.31, "becaus": -0.32, "becom": -0.47, "been": -0.06, "befor": 0.18, "began":
    -0.53, "begin": 0.08, "behind": -0.46, "believ": -0.22, "below": -0.11, "benefit": -0.04, "best": 0.02,
    "better": -0.60, "between": 0.09, "bid": -0.61, "big": -1.46, "biggest": -0.92, "bill": 1.45, "billion":
    1.16, "bipartisan": 1.04, "blame": 0.49, "blast": -0.52, "block": 0.28, "blow": -1.06, "board": 0.54,
    "boost": -0.09, "border": 0.89, "both": 0.05, "break": -0.48, "brief": -0.48, "bring": -0.11, "broke":
    -0.20, "brought": -0.85, "budget": 1.34, "build": 0.69, "busi": 0.19, "but": -0.34, "by": 0.53, "c":
    0.67, "calif": -1.19, "call": 0.45, "came": -0.67, "campaign": 0.28, "can": -0.46, "cancel": 0.79,
    "candid": 0.49, "capit": 0.14, "care": -0.58, "carri": -0.31, "case": 0.52, "cast": -0.23, "caus":
    -0.05, "celebr": -0.24, "certain": 0.16, "chairman": -0.15, "challeng": 0.53, "chamber": -0.37, "chanc":
    -0.82, "chang": 0.44, "charg": 0.61, "check": 0.66, "chief": 0.24, "children": 0.93, "cite": -0.21,
    "citi": 0.26, "civil": 0.37, "claim": 0.35, "clash": -0.30, "clear": -0.34, "climat": 0.67, "close":
    -0.22, "co": 0.24, "colleg": 0.38, "combat": -0.34, "come": 0.24, "command": -0.31, "comment": 0.46,
    "commiss": 0.80, "commit": 0.69, "communic": 0.38, "communiti": -0.06, "compani": 0.98, "compar": -0.02,
    "complet": -0.25, "concern": 0.38, "condemn": 0.65, "condit": 0.10, "conduct": 0.23, "confer": 0.65,
    "confirm": 0.14, "confront": -0.38, "congression": 0.35, "conserv": -0.05, "consid": 0.38, "constitut":
    -0.41, "contact": 0.26, "contain": 0.01, "contest": -0.79, "continu": -0.23, "control": 0.30,
    "controversi": -0.03, "convict": 0.84, "cooper": 0.12, "coronavirus": 0.31, "cost": 0.04, "could":
    -0.08, "counsel": 0.18, "count": 0.57, "countri": 0.44, "cover": -0.41, "creat": 0.28, "crime": 0.81,
    "crimin": -0.18, "crisi": 0.16, "critic": 0.41, "cross": 0.25, "crowd": -0.25, "current": 0.35, "cut":
    0.14, "d": 0.42, "daili": -0.31, "damag": 0.41, "danger": -0.32, "data": 0.20, "dead": -0.65, "deal":
    0.37, "death": 0.51, "debat": 0.57, "decad": -0.61, "decid": -0.58, "decis": 0.15, "declar": -0.34,
    "declin": 0.03, "defeat": -0.19, "defend": -0.01, "defens": 0.35, "delay": -0.28, "deliv": -1.00,
    "demand": -0.61, "demonstr": 0.08, "deni": 0.68, "deputi": 0.65, "describ": -0.41, "design": -0.06,
    "despit": -0.17, "detail": -0.49, "determin": 0.06, "develop": 0.21, "did": -0.20, "didn": -0.97, "die":
    0.09, "differ": -0.59, "diplomat": -0.13, "direct": -0.14, "discuss": 0.28, "dismiss": 0.13, "district":
    0.28, "divid": -0.60, "divis": -0.53, "do": -0.96, "doctor": 0.49, "document": 0.62, "doe": -0.41,
    "doesn": 0.03, "dollar": 0.10, "don": -0.85, "done": -0.69, "door": -0.39, "dose": 1.72, "down": -0.50,
    "dozen": -0.27, "drop": 0.46, "due": 0.19, "dure": -0.08, "each": -0.18, "earli": 0.06, "earlier":
    -0.38, "econom": 0.04, "economi": 0.04, "effect": 0.53, "effort": -0.37, "eight": 0.28, "elect": 0.84,
    "elector": 0.61, "email": -0.18, "emerg": -0.31, "emergenc": 0.69, "employ": -0.28, "employe": 0.67,
    "end": 0.01, "energi": 0.14, "enforc": 0.24, "enough": -0.90, "ensur": 0.04, "enter": 0.27, "entir":
    -0.21, "escal": -0.33, "establish": -0.25, "estim": -0.45, "even": -1.33, "evening": -0.07, "event":
    -0.15, "ever": -0.96, "everi": -0.63, "evid": 0.47, "execut": 0.55, "expand": 0.62, "expect": 0.31,
    "expert": 0.55, "express": 0.18, "face": -0.02, "fact": -0.23, "fail": 0.25, "fall": -0.38, "fals":
    0.51, "famili": 0.46, "familiar": -1.23, "far": -1.25, "favor": 0.41, "fear": -0.24, "feder": 0.58,
    "fell": 0.19, "few": -0.67, "fight": -1.10, "figur": -0.51, "file": 0.50, "final": -0.09, "financi":
    0.08, "find": -0.15, "fire": 0.26, "first": 0.31, "five": 0.48, "floor": 0.15, "focus": 0.06, "follow":
    -0.34, "for": 0.84, "forc": -0.05, "foreign": 0.23, "form": 0.06, "formal": -0.09, "former": 0.88,
    "forward": -0.27, "found": -0.11, "four": 0.06, "fraud": 0.67, "free": 0.01, "friend": -0.33, "from":
    0.78, "front": -0.05, "fuel": 0.12, "full": 0.35, "fulli": 0.57, "fund": 0.73, "further": -0.44,
    "futur": -0.51, "gain": 0.22, "gather": -0.49, "gave": -0.49, "get": -0.65, "giant": 0.34, "give":
    -0.33, "given": -0.04, "global": -0.18, "go": -0.77, "good": -0.63, "got": -0.60, "govern": 0.50,
    "governor": 0.47, "grant": 0.60, "great": -0.52, "ground": 0.04, "group": 0.26, "grow": -0.62, "guilti":
    0.23, "gun": 1.03, "had": 0.04, "half": -0.77, "halt": 0.13, "hand": -0.69, "handl": 0.03, "happen":
    -0.19, "hard": -0.59, "has": 0.54, "have": 0.63, "he": 0.50, "head": -0.01, "health": 0.35, "hear":
    0.67, "held": 0.10, "help": 0.19, "her": 0.58, "here": -0.70, "herself": 0.04, "high": -0.22, "higher":
    -0.39, "highest": -0.16, "him": -0.27, "himself": -0.33, "hire": -0.61, "his": 0.47, "histor": -0.35,
    "histori": -0.20, "hit": -0.74, "hold": -0.10, "home": 0.16, "hope": -0.64, "hospit": 0.25, "host":
    0.79, "hour": -0.08, "how": -0.35, "howev": 0.16, "human": 0.38, "hundr": -0.23, "i": -0.59, "if": 0.23,
    "illeg": 0.69, "immedi": -0.17, "immigr": 0.42, "impeach": 0.33, "import": -0.22, "impos": 0.46,
    "improv": 0.20, "in": 1.14, "incid": 0.22, "includ": 0.62, "increas": 0.25, "independ": 0.14, "indic":
    -0.39, "individu": 1.09, "industri": -0.43, "infect": 0.34, "inform": 0.66, "infrastructur": 0.42,
    "initi": 0.37, "inquiri": 0.14, "insid": -0.18, "insist": -0.61, "instead": 0.04, "institut": 0.38,
    "insur": 0.20, "intellig": 0.19, "intend": -0.13, "interfer": 0.43, "internat": -0.54, "interview":
    1.02, "into": -0.31, "introduc": 0.70, "investig": 0.78, "involv": 0.44, "is": 0.68, "issu": 0.07, "it":
    0.48, "itself": -0.31, "job": 0.20, "join": 0.22, "journalist": 0.54, "judg": 0.17, "just": -1.24,
    "keep": -0.61, "key": -0.94, "kill": 0.40, "kind": -0.44, "know": -0.71, "known": -0.21, "ky": 0.15,
    "lack": 0.61, "larg": -0.76, "largest": -0.34, "last": 0.19, "late": -0.14, "later": -0.24, "latest":
    -0.65, "launch": -0.66, "law": 0.78, "lawmak": -0.09, "lawsuit": 0.63, "lawyer": -0.11, "lead": 0.10,
    "leader": 0.12, "leadership": -0.31, "learn": -0.01, "least": -0.08, "leav": 0.12, "led": -0.18, "left":
    0.57, "legal": 0.22, "legisl": 0.24, "less": -1.21, "let": -0.60, "letter": 0.82, "level": -0.40,
    "liber": -0.36, "lie": 0.58, "life": -0.41, "like": -0.18, "limit": 0.09, "line": -0.24, "list": -0.53,
    "littl": -0.32, "live": -0.31, "ll": -0.72, "local": 0.03, "long": -0.99, "longer": 0.37, "look": -0.29,
    "lost": -0.36, "lot": -0.71, "low": -0.17, "lower": -0.01, "m": -1.44, "made": 0.06, "main": -0.01,
    "major": 0.02, "make": -0.04, "man": -0.09, "manag": 0.83, "mani": 0.05, "mark": -0.02, "market": -0.53,
    "mask": 0.67, "mass": -0.48, "massiv": -1.00, "matter": -0.97, "may": 0.02, "me": -0.37, "mean": -0.94,
    "measur": -0.54, "media": 0.66, "medic": 0.54, "meet": 0.53, "member": 0.02, "messag": -0.15, "met":
    0.15, "might": -0.56, "migrant": 1.33, "militari": 0.61, "million": 0.83, "minut": -0.44, "miss": 0.27,
    "moder": 1.04, "moment": -0.68, "money": -0.17, "month": 0.28, "more": 0.10, "morn": 0.06, "most":
    -0.34, "move": -0.12, "movement": 0.20, "much": -0.85, "multipl": -0.67, "must": -0.32, "my": -0.94,
    "myself": -0.13, "n": -0.59, "name": 0.29, "nation": 0.03, "nationwid": -0.15, "near": -0.61, "need":
    0.32, "negoti": 0.21, "network": -0.64, "never": -0.37, "new": 0.18, "newli": -0.24, "next": -0.20,
    "night": 0.03, "nine": 0.03, "no": 0.02, "nomin": 0.66, "nor": -0.03, "not": 0.56, "note": -0.46,
    "noth": -0.08, "novel": -0.54, "now": -0.76, "nuclear": 1.21, "number": 0.41, "obtain": 0.01, "of":
    1.36, "off": -0.28, "offer": -0.13, "offic": 0.62, "offici": -0.07, "often": -0.29, "old": -0.11, "on":
    0.94, "onc": -0.94, "one": -0.36, "ongo": 0.28, "onli": -0.17, "onlin": -0.33, "open": -0.33, "oper":
    -0.64, "opinion": 0.40, "oppos": 0.68, "opposit": 0.16, "or": 0.35, "order": 0.52, "organiz": 0.32,
    "origin": -0.11, "other": 0.27, "our": -0.46, "out": -0.34, "outbreak": 0.05, "outlet": 0.29, "outlin":
    -0.34, "outsid": -0.52, "over": 0.04, "own": -0.31, "p": -1.11, "packag": 0.50, "page": 0.15, "paid":
    -0.11, "pandem": 0.42, "panel": 0.13, "part": -0.11, "parti": -0.20, "particip": -0.32, "partisan":
    -0.13, "pass": 0.85, "past": -0.47, "pay": 0.61, "payment": 0.89, "peac": -0.01, "peopl": 0.49, "per":
    0.31, "percent": -0.43, "perform": -0.42, "person": -0.19, "pick": -0.32, "place": -0.03, "plan": 0.62,
    "platform": 1.29, "play": -0.41, "pledg": -0.19, "point": -0.44, "polic": 0.61, "polici": 0.46, "polit":
    0.07, "poll": -0.07, "posit": 0.28, "possibl": -0.08, "post": 0.13, "potenti": 0.33, "power": 0.06,
    "practic": -0.38, "present": -0.21, "presidenti": 0.50, "press": 0.34, "pressur": -0.11, "prevent":
    0.45, "previous": 0.55, "price": 0.45, "primari": 0.14, "prior": -0.39, "prioriti": -0.48, "prison":
    0.67, "probe": 0.51, "problem": 0.01, "procedur": -0.04, "proceed": 0.06, "process": 0.26, "produc":
    -0.38, "product": 0.11, "program": 0.16, "progress": 0.37, "project": 1.02, "promis": -0.01, "prompt":
    -0.49, "propos": 0.75, "prosecutor": -0.17, "protect": 0.38, "protest": 0.60, "provid": 0.27, "public":
    0.11, "publish": 0.55, "pull": -0.28, "punish": 0.01, "push": -0.73, "put": -0.65, "question": 0.11,
    "quick": -0.70, "r": 0.32, "race": -0.11, "rais": 0.59, "ralli": 0.05, "rang": -0.45, "rate": 0.78,
    "re": -0.93, "reach": 0.04, "read": -0.35, "readi": -0.78, "real": 0.09, "reason": 0.07, "receiv": 0.47,
    "recent": 0.05, "recommend": 0.80, "record": 0.20, "recoveri": -0.15, "reduc": 0.35, "refer": -0.33,
    "reflect": -0.54, "reform": 0.21, "refus": 0.03, "regard": -0.21, "region": -0.42, "regul": 0.56,
    "reject": 0.35, "relat": 0.19, "releas": 0.61, "relief": 0.35, "remain": 0.51, "remark": -0.81, "remov":
    1.01, "renew": 0.37, "reopen": -0.24, "repeat": -0.68, "replac": 0.09, "report": 0.88, "request": 0.66,
    "requir": 0.99, "research": 0.15, "resid": -0.09, "resign": 1.02, "resolut": 1.08, "respond": 0.12,
    "respons": 0.11, "restrict": 0.51, "result": 0.61, "return": 0.24, "reuter": -0.84, "reveal": -0.43,
    "revers": -0.21, "review": 0.32, "revis": -0.67, "right": 0.44, "riot": -0.04, "rise": -0.35, "risk":
    0.15, "role": -0.26, "roll": 0.13, "rose": -0.65, "rough": -0.15, "round": -0.15, "rule": 0.78, "run":
    -0.27, "s": 0.97, "safe": -0.10, "safeti": -0.42, "said": 0.56, "same": -0.38, "save": -0.03, "saw":
    -0.68, "say": 0.04, "schedul": -0.15, "school": 0.48, "season": -0.63, "seat": 0.81, "second": 0.30,
    "secret": 0.18, "secur": 0.17, "see": -0.67, "seek": 0.06, "seem": -0.71, "seen": -0.57, "send": -0.43,
    "senior": -0.57, "sent": 0.08, "sentenc": 0.88, "seri": -0.30, "serious": -0.13, "serv": 0.18, "servic":
    0.48, "session": -0.47, "set": -0.39, "seven": 0.26, "sever": 0.15, "sexual": 1.24, "share": -0.30,
    "she": 0.36, "shift": -0.64, "shoot": 0.57, "short": -0.16, "shot": 0.51, "should": -0.14, "show":
    -0.40, "shutdown": 0.51, "side": -0.54, "sign": 0.24, "signal": -0.71, "signific": -0.31, "sinc": 0.14,
    "singl": 0.19, "sit": -0.10, "site": 0.01, "situat": -0.64, "six": 0.76, "slam": -0.76, "slow": -0.74,
    "small": -0.45, "so": -1.35, "social": 0.09, "some": 0.36, "someth": -0.62, "son": 0.03, "soon": 0.09,
    "sought": -0.75, "sourc": -0.81, "southern": -0.18, "spark": -0.49, "speak": -0.77, "special": 0.45,
    "speech": 0.42, "spend": 0.39, "spent": -0.44, "spoke": -0.33, "spread": 0.26, "staff": 0.62, "stage":
    -0.59, "stand": 0.11, "star": -0.06, "start": -0.14, "statement": 0.32, "stay": -0.16, "step": -0.37,
    "still": -0.29, "stimulus": 1.16, "stock": 0.42, "stop": -0.47, "stori": 0.65, "strike": -0.38,
    "strong": -0.58, "struck": -0.05, "struggl": -0.38, "student": 0.22, "studi": 0.73, "subpoena": 0.63,
    "such": -0.04, "suggest": 0.26, "summit": 0.68, "support": 0.33, "surg": 0.02, "survey": -0.51,
    "suspect": 0.03, "sweep": -1.27, "system": 0.24, "t": -0.68, "take": -0.22, "taken": -0.62, "talk":
    -0.48, "target": 0.26, "tax": 0.91, "team": 0.48, "tech": 0.10, "tell": -0.59, "ten": 0.18, "tension":
    -0.43, "term": -0.09, "test": 0.88, "testifi": 1.17, "testimoni": -0.14, "than": -0.15, "that": 1.25,
    "the": 2.40, "their": 0.22, "them": -1.02, "then": -0.61, "there": -0.07, "these": -0.88, "they": -0.26,
    "thing": -0.25, "think": -0.36, "third": 0.30, "this": 0.31, "those": -0.31, "though": -0.80,
    "thousand": -0.14, "threat": -0.13, "threaten": -0.49, "three": 0.07, "through": -0.23, "tie": 0.02,
    "time": -0.23, "to": 1.34, "today": -0.41, "togeth": -0.29, "told": -0.12, "too": -0.24, "took": -0.51,
    "top": -0.46, "total": -0.13, "toward": -0.82, "track": 0.13, "trade": 0.25, "transit": 0.30, "travel":
    1.03, "treat": -0.08, "treatment": 0.75, "tri": -0.83, "trial": 0.76, "trillion": 1.10, "troop": 1.17,
    "turn": -0.88, "tweet": 0.78, "two": 0.25, "under": -0.08, "unemploy": 0.72, "unpreced": -0.89, "until":
    0.40, "unveil": 0.04, "up": -0.49, "urg": -0.34, "use": 0.50, "vaccin": 2.05, "ve": -0.82, "veri":
    -0.78, "victim": -0.09, "victori": -0.82, "video": 0.65, "view": -0.31, "violat": 1.20, "violenc": 1.01,
    "violent": -0.18, "virus": 0.88, "visit": -0.21, "vote": 1.50, "voter": 0.65, "vow": -0.87, "wake":
    -0.48, "walk": -0.03, "wall": 0.51, "want": -0.94, "war": -0.30, "warn": 0.22, "was": 0.87, "watch":
    -0.10, "way": -0.76, "we": -0.56, "weapon": 0.43, "week": 0.46, "well": -0.84, "went": -0.66, "were":
    0.42, "what": -0.69, "when": -0.33, "where": -0.33, "whether": 0.15, "whi": -1.19, "which": 0.39,
    "while": -0.05, "who": 0.28, "whom": -0.55, "whose": -0.39, "wide": -0.94, "will": 0.91, "win": -0.35,
    "wit": 0.82, "with": 0.52, "withdraw": 0.45, "within": 0.43, "without": -0.16, "woman": 0.38, "women":
    0.50, "won": -0.10, "word": -0.47, "work": 0.09, "worker": -0.22, "world": 0.02, "worst": -0.48,
    "would": 0.68, "wrote": -0.48, "y": -0.40, "year": 0.45, "yet": -0.52, "you": -0.41, "your": -0.70,
    "yourself": -0.06,
}
# fmt: on

COPY_FEATURES = (
    "first",  # the article's first sentence
    "second",
    "position",  # relative position in its article
    "soft_support",  # mean over the other articles of the best alignment score with their sentences
    "headline",  # share of its distinct content stems found in some headline
    "word_prob",  # mean P(used) of its distinct content stems (word model)
    "log_words",
    "quote",  # holds a quotation mark
    "dangling",  # opens with a pronoun or connective
)
# Fitted by tools/fit_summary.py on NeuS train (word probabilities out of fold; copied: >= 70 % of bigrams).
COPY_WEIGHTS = np.array([0.024, -0.252, -0.214, 2.423, 1.369, -0.845, -0.613, 0.353, -0.143])
COPY_BIAS = -2.379
CHOICE_FEATURES = (
    "expected_f1",  # 2 E[matches] / (used + budget): expected unigram F1 under the word model
    *(
        f"{f}_share" for f in (*COPY_FEATURES, "copy_prob", "sources")
    ),  # per sentence, x its words kept / budget
    "phrases",  # cross-article support of the bigrams kept, / budget
    "sentences",  # sentences left after the cut
    "fill",  # words left after the cut / budget
    "waste",  # words cut / budget
)
# Fitted by tools/fit_summary.py on NeuS train (softmax over each story's choices, tau 0.01, L2 1e-4).
# fmt: off
CHOICE_WEIGHTS = np.array([
    2.290, 0.086, 0.137, -0.166, 0.331, 0.149, 0.662, 0.248, -0.002, -0.166, -0.023, 0.155, 0.565, 0.039,
    0.296, -0.393
])
# fmt: on


@dataclass(frozen=True)
class TokenModel:
    """Logistic models of a word's use in a neutral summary (see :data:`TOKEN_FEATURES`) and of a
    sentence being copied into it (see :data:`COPY_FEATURES`)."""

    weights: np.ndarray = field(default_factory=lambda: TOKEN_WEIGHTS)
    bias: float = TOKEN_BIAS
    word_bias: dict[str, float] = field(default_factory=lambda: WORD_BIAS)
    copy_weights: np.ndarray = field(default_factory=lambda: COPY_WEIGHTS)
    copy_bias: float = COPY_BIAS
    choice_weights: np.ndarray = field(default_factory=lambda: CHOICE_WEIGHTS)


def stems(norm: str) -> list[str]:
    """The words ROUGE-style matching sees: ``[a-z0-9]+`` runs of the normalised text, stemmed."""
    return [stem(t) for t in _WORD.findall(norm)]


@dataclass
class WordTable:
    """A story's distinct stems (``index``), each sentence's stems as ids, counts and features."""

    words: list[str]
    index: dict[str, int]
    ids: list[np.ndarray]
    counts: np.ndarray
    rows: np.ndarray  # (words x first BASE TOKEN_FEATURES)
    stop: np.ndarray
    title_ids: np.ndarray  # ids of the stems some headline uses
    flat: np.ndarray  # all the story's word ids, sentence after sentence
    sentence: np.ndarray  # ... the sentence of each
    article: np.ndarray  # ... its article (0, 1, ... in order of appearance)


DENSE = 2_000_000  # count distinct (row, word) pairs with a dense mask up to this many cells


def _distinct(rows: np.ndarray, flat: np.ndarray, n: int, v: int) -> np.ndarray:
    """Per word: how many distinct ``rows`` (of ``n``) hold it."""
    if n * v <= DENSE:
        mask = np.zeros((n, v), dtype=bool)
        mask[rows, flat] = True
        return mask.sum(0)
    return np.bincount(np.unique(rows * v + flat) % v, minlength=v)


def story_stems(texts: Sequence[str]) -> list[list[str]]:
    """:func:`stems` of each text, stemming each distinct word once."""
    words = [_WORD.findall(t) for t in texts]
    memo = {w: stem(w) for w in set(chain.from_iterable(words))}
    return [list(map(memo.__getitem__, ws)) for ws in words]


def table(
    sentences: Sequence[Sentence], sentence_stems: Sequence[list[str]], titles: Sequence[str] = ()
) -> WordTable:
    """Word ids and story-level word features (first ``BASE`` of :data:`TOKEN_FEATURES`), vectorised."""
    words = list(dict.fromkeys(chain.from_iterable(sentence_stems)))
    index = {w: k for k, w in enumerate(words)}
    lens = np.array([len(t) for t in sentence_stems], dtype=np.int64)
    flat = np.fromiter(map(index.__getitem__, chain.from_iterable(sentence_stems)), np.int64, int(lens.sum()))
    ends = np.cumsum(lens).tolist()
    ids = [flat[e - n : e] for e, n in zip(ends, lens.tolist(), strict=True)]
    v, n_sent = len(words), max(len(sentences), 1)
    art_of = {a: k for k, a in enumerate(dict.fromkeys(s.article for s in sentences))}
    n_art = max(len(art_of), 1)
    art = np.repeat(np.array([art_of[s.article] for s in sentences], dtype=np.int64), lens)
    sent = np.repeat(np.arange(len(ids)), lens)
    lead = np.repeat(np.array([s.index == 0 for s in sentences], dtype=bool), lens)
    count = np.bincount(flat, minlength=v).astype(float)
    in_sents = _distinct(sent, flat, n_sent, v)
    arts = _distinct(art, flat, n_art, v)
    leads = _distinct(art[lead], flat[lead], n_art, v)
    first = np.ones(v)
    np.minimum.at(first, flat, np.repeat(np.array([s.position for s in sentences], dtype=float), lens))
    bags = [
        {index[w] for w in toks if w in index} for toks in story_stems([normalize(t) for t in titles if t])
    ]
    titled = np.bincount(list(chain.from_iterable(bags)), minlength=v).astype(float)
    capitalised = _CAPITALISED.findall("\n".join(s.text for s in sentences)) if v else []
    named = {
        index[w] for w in chain.from_iterable(story_stems([" ".join(capitalised).lower()])) if w in index
    }
    names = np.zeros(v, dtype=bool)
    names[list(named)] = True
    quotes = [q for s in sentences if '"' in s.norm for q in _QUOTED.findall(s.norm)]
    hits = [index[w] for w in chain.from_iterable(story_stems(quotes)) if w in index]
    quoted = np.bincount(hits, minlength=v).astype(float)
    stop = np.fromiter(map(_STOP_INDEX.__contains__, words), bool, v)
    number = np.fromiter((w[0].isdigit() for w in words), bool, v)
    rows = np.empty((v, BASE))
    rows[:, 0] = arts / n_art
    rows[:, 1] = (arts == len(art_of)) & (len(art_of) > 1)
    rows[:, 2] = np.log1p(count)
    rows[:, 3] = in_sents / n_sent
    rows[:, 4] = stop
    rows[:, 5] = titled / max(len(bags), 1)
    rows[:, 6] = leads / n_art
    rows[:, 7] = first
    rows[:, 8] = number
    rows[:, 9] = names & ~stop
    rows[:, 10] = titled > 0
    rows[:, 11] = np.minimum(quoted / np.maximum(count, 1), 1.0)
    return WordTable(words, index, ids, count, rows, stop, np.flatnonzero(titled), flat, sent, art)


def word_table(
    sentences: Sequence[Sentence], sentence_stems: Sequence[list[str]], titles: Sequence[str] = ()
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The story's distinct stems, their counts and their story-level features."""
    t = table(sentences, sentence_stems, titles)
    return t.words, t.counts, t.rows


def repeat_rows(rows: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One design row per (word, j) with j = 1..min(count, MAX_COUNT): ``(X, word index, j)``."""
    reps = np.minimum(counts, MAX_COUNT).astype(int)
    idx = np.repeat(np.arange(len(rows)), reps)
    j = np.arange(len(idx)) - np.repeat(np.cumsum(reps) - reps, reps) + 1
    base = rows[idx]
    stop = base[:, 4]
    extra = np.column_stack(
        [np.log1p(counts[idx] / j), j == 2, j >= 3, stop * (j >= 2), stop * base[:, 0]]
    ).astype(float)
    return np.hstack([base, extra]).reshape(len(idx), len(TOKEN_FEATURES)), idx, j


def prob_matrix(t: WordTable, model: TokenModel) -> np.ndarray:
    """``P[w, j-1]`` = P(a neutral summary uses word w >= j times), j = 1..MAX_COUNT (non-increasing);
    the same model as on :func:`repeat_rows`, without building its rows."""
    w = model.weights
    j = np.arange(1, MAX_COUNT + 1)[None, :]
    stop = t.rows[:, 4:5]
    offset = np.array([model.word_bias.get(x, 0.0) for x in t.words])
    z = (t.rows @ w[:BASE] + model.bias + offset + w[BASE + 4] * t.rows[:, 4] * t.rows[:, 0])[:, None]
    z = z + w[BASE] * np.log1p(t.counts[:, None] / j) + w[BASE + 1] * (j == 2) + w[BASE + 2] * (j >= 3)
    z = z + w[BASE + 3] * stop * (j >= 2)
    return np.minimum.accumulate(1.0 / (1.0 + np.exp(-z)), axis=1)


def inclusion_probs(
    sentences: Sequence[Sentence],
    sentence_stems: Sequence[list[str]],
    titles: Sequence[str] = (),
    model: TokenModel | None = None,
) -> dict[str, np.ndarray]:
    """``{stem: P(a neutral summary uses it >= j times) for j = 1..min(count, MAX_COUNT)}``."""
    t = table(sentences, sentence_stems, titles)
    p = prob_matrix(t, model or TokenModel())
    return {w: p[k, : int(min(t.counts[k], MAX_COUNT))] for k, w in enumerate(t.words)}


def expected_matches(bag: Counter[str], probs: dict[str, np.ndarray]) -> float:
    """Expected clipped unigram matches of a bag of stems with the (unseen) neutral summary."""
    return float(sum(probs[w][:c].sum() for w, c in bag.items() if w in probs))


def soft_support(alignment: Alignment, which: np.ndarray) -> np.ndarray:
    """For sentences ``which``: mean over the other articles of their best alignment score with it."""
    sentences = alignment.sentences
    art_of = {a: k for k, a in enumerate(dict.fromkeys(s.article for s in sentences))}
    if len(art_of) < 2 or not alignment.scores:
        return np.zeros(len(which))
    arts = np.array([art_of[s.article] for s in sentences])
    n = len(alignment.scores)
    pairs = np.fromiter(chain.from_iterable(alignment.scores), np.int64, 2 * n).reshape(n, 2)
    vals = np.fromiter(alignment.scores.values(), float, n)
    asked, back = np.unique(which, return_inverse=True)
    row = np.full(len(sentences), len(asked))  # the last row of ``best``: sentences not asked about
    row[asked] = np.arange(len(asked))
    best = np.zeros((len(asked) + 1, len(art_of)))
    for i, j in ((0, 1), (1, 0)):
        np.maximum.at(best, (row[pairs[:, i]], arts[pairs[:, j]]), vals)
    return best[back].sum(1) / (len(art_of) - 1)


def copy_features(
    sentences: Sequence[Sentence], t: WordTable, p1: np.ndarray, which: np.ndarray, support: np.ndarray
) -> np.ndarray:
    """Features (:data:`COPY_FEATURES`) of sentences ``which`` (indices into ``sentences``; ``support``: their
    :func:`soft_support`)."""
    v = len(t.words)
    held = np.zeros((len(which), v + 1), dtype=bool)  # column v: a padding word
    ids = [t.ids[k] for k in which]
    held[np.repeat(np.arange(len(which)), [len(x) for x in ids]), np.concatenate(ids)] = True
    held[:, :v] &= ~t.stop
    held[:, v] = False
    n = np.maximum(held.sum(1), 1)
    title = np.zeros(v + 1)
    title[t.title_ids] = 1.0
    sents = [sentences[k] for k in which]
    return np.column_stack(
        [
            [s.index == 0 for s in sents],
            [s.index == 1 for s in sents],
            [s.position for s in sents],
            support,
            held @ title / n,
            held @ np.append(p1, 0.0) / n,
            np.log([max(len(s.text.split()), 1) for s in sents]),
            ['"' in s.text or "\u201c" in s.text for s in sents],
            [bool(_DANGLING.match(s.text)) for s in sents],
        ]
    ).astype(float)


def copy_probs(x: np.ndarray, model: TokenModel) -> np.ndarray:
    """P(the neutral summary copies the sentence) from its :func:`copy_features`."""
    return 1.0 / (1.0 + np.exp(-(x @ model.copy_weights + model.copy_bias)))


def story_copy_features(
    claims: list[Claim], alignment: Alignment, titles: Sequence[str] = (), model: TokenModel | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The candidate sentences of a story (alignment indices) and their :func:`copy_features` (for fitting)."""
    cands, _ = _prepare(claims, alignment, titles, model or TokenModel())
    if cands.attrs is None:
        return cands.sentence, np.zeros((0, len(COPY_FEATURES)))
    uniq, first = np.unique(cands.sentence, return_index=True)
    return uniq, cands.attrs[first, : len(COPY_FEATURES)]


@dataclass
class _Candidates:
    """Candidate sentences in story order, with their word ids padded to one matrix and their features."""

    claim: np.ndarray
    sentence: np.ndarray
    words: np.ndarray  # whitespace words (the budget's unit)
    ntok: np.ndarray  # stems
    tok: np.ndarray  # (candidates x longest) word ids, padded with the id ``pad``
    pad: int
    attrs: np.ndarray | None = None  # (candidates x COPY_FEATURES, copy probability, claim's sources share)
    phrase: np.ndarray | None = None  # (candidates x longest) support of the first k bigrams

    def take(self, keep: np.ndarray) -> _Candidates:
        attrs = None if self.attrs is None else self.attrs[keep]
        phrase = None if self.phrase is None else self.phrase[keep]
        return _Candidates(
            self.claim[keep],
            self.sentence[keep],
            self.words[keep],
            self.ntok[keep],
            self.tok[keep],
            self.pad,
            attrs,
            phrase,
        )


def _candidates(claims: list[Claim], sents: Sequence[Sentence], t: WordTable) -> _Candidates:
    """Every claim mention of acceptable length, in story order (claim position, then claim id)."""
    rows = []
    for ci, c in enumerate(claims):
        for m in c.mentions:
            n = len(sents[m.sentence].text.split())
            if not MIN_WORDS <= n <= MAX_WORDS and len(claims) > 3:
                continue
            rows.append((ci, m.sentence, n, (c.position, c.id)))
    rows.sort(key=lambda r: r[3])
    pad = len(t.words)
    ntok = np.array([len(t.ids[r[1]]) for r in rows], dtype=np.int64)
    tok = np.full((len(rows), int(ntok.max()) if len(rows) else 0), pad, dtype=np.int64)
    for r, row in enumerate(rows):
        tok[r, : ntok[r]] = t.ids[row[1]]
    return _Candidates(
        claim=np.array([r[0] for r in rows], dtype=np.int64),
        sentence=np.array([r[1] for r in rows], dtype=np.int64),
        words=np.array([r[2] for r in rows], dtype=np.int64),
        ntok=ntok,
        tok=tok,
        pad=pad,
    )


class _Objective:
    """Expected clipped unigram matches of bags of word ids with the neutral summary, vectorised."""

    def __init__(self, p: np.ndarray) -> None:
        cum = np.zeros((len(p) + 1, MAX_COUNT + 1))  # row len(p): the padding id, worth nothing
        cum[:-1, 1:] = np.cumsum(p, axis=1)
        self.cum, self.v1 = cum.ravel(), MAX_COUNT + 1

    def __call__(self, bag: np.ndarray, n: int, width: int) -> np.ndarray:
        """``bag``: flat ``row * width + word id`` entries (one per token): expected matches of ``n`` rows."""
        if n * width <= DENSE:
            reps = np.minimum(np.bincount(bag, minlength=n * width).reshape(n, width), MAX_COUNT)
            return self.cum[np.arange(width) * self.v1 + reps].sum(1)
        keys, reps = np.unique(bag, return_counts=True)
        w = keys % width
        return np.bincount(
            keys // width, weights=self.cum[w * self.v1 + np.minimum(reps, MAX_COUNT)], minlength=n
        )


def phrase_support(t: WordTable, cands: _Candidates) -> np.ndarray:
    """Per candidate and position: (articles using the bigram starting there - 1) / (articles - 1)."""
    width = len(t.words) + 1
    n_art = int(t.article.max()) + 1 if len(t.article) else 0
    out = np.zeros((len(cands.claim), max(cands.tok.shape[1] - 1, 0)))
    if n_art < 2 or not out.size:
        return out
    same = t.sentence[:-1] == t.sentence[1:]
    uniq, inverse = np.unique((t.flat[:-1] * width + t.flat[1:])[same], return_inverse=True)
    share = (_distinct(t.article[:-1][same], inverse, n_art, len(uniq)) - 1) / (n_art - 1)
    cand = cands.tok[:, :-1] * width + cands.tok[:, 1:]
    at = np.minimum(np.searchsorted(uniq, cand), len(uniq) - 1)
    return np.where(uniq[at] == cand, share[at], 0.0)


def _features(cands: _Candidates, value: _Objective, budget: int, masks: np.ndarray) -> np.ndarray:
    """:data:`CHOICE_FEATURES` of each choice (a row of ``masks``) read in story order and cut at ``budget``."""
    w = masks * cands.words
    total = w.sum(1)
    start = np.cumsum(w, axis=1) - w
    left = np.clip(budget - start, 0, cands.words) * masks  # words of each sentence left after the cut
    keep = np.round(cands.ntok * left / cands.words).astype(np.int64)  # stems left
    width = cands.pad + 1
    r, c = np.nonzero(keep)
    bag = (r[:, None] * width + cands.tok[c])[np.arange(cands.tok.shape[1]) < keep[r, c][:, None]]
    reps = np.minimum(np.bincount(bag, minlength=len(masks) * width).reshape(-1, width), MAX_COUNT)
    each = value.cum[np.arange(width) * value.v1 + reps]
    used = np.minimum(total, budget)
    cols = [2.0 * each.sum(1) / (used + budget)]
    if cands.attrs is not None:
        cols.append(left @ cands.attrs / budget)
    if cands.phrase is not None:  # bigrams kept: keep - 1
        cols.append(cands.phrase[np.arange(len(cands.claim)), np.maximum(keep - 1, 0)].sum(1) / budget)
    cols += [(left > 0).sum(1), used / budget, (total - used) / budget]
    return np.column_stack(cols)


def _score(
    cands: _Candidates, value: _Objective, budget: int, masks: np.ndarray, model: TokenModel
) -> np.ndarray:
    x = _features(cands, value, budget, masks)
    return x @ model.choice_weights


def _subsets(cands: _Candidates) -> np.ndarray | None:
    """Every choice of at most one candidate per claim, as a (choices x candidates) mask; None if too many.

    A claim's candidates are adjacent (story order); choice ``i`` writes its picks as mixed-radix digits of
    ``i``, one per claim in claim order (digit ``k`` > 0: the claim's ``k``-th candidate), the last fastest."""
    _, start, group, size = np.unique(cands.claim, return_index=True, return_inverse=True, return_counts=True)
    radix = size + 1
    n = float(np.prod(radix.astype(float)))
    if n > MAX_SUBSETS or n * (cands.pad + 1) > MAX_CELLS:
        return None
    stride = np.append(np.cumprod(radix[::-1])[::-1][1:], 1)  # product of the later claims' radices
    digit = np.arange(1, int(n))[:, None] // stride[group] % radix[group]
    return digit == np.arange(len(cands.claim)) - start[group] + 1


def allowed(masks: np.ndarray, words: np.ndarray, budget: int) -> np.ndarray:
    """Choices within ``OVERSHOOT`` x budget (or of one sentence) that fill the budget, if any can."""
    total = masks.astype(np.int64) @ words
    ok = (total <= budget * OVERSHOOT) | (masks.sum(1) == 1)
    if (ok & (total >= budget)).any():
        ok &= total >= budget
    return ok


def _greedy(cands: _Candidates, value: _Objective, budget: int, model: TokenModel) -> np.ndarray:
    """Add the best-scoring candidate until the budget is filled (stories with too many choices)."""
    n = len(cands.claim)
    chosen = np.zeros(n, dtype=bool)
    free = np.ones(n, dtype=bool)
    total = 0
    while total < budget:
        ok = np.flatnonzero(free & ((total + cands.words <= budget * OVERSHOOT) | (not chosen.any())))
        if not len(ok):
            break
        masks = np.repeat(chosen[None, :], len(ok), axis=0)
        masks[np.arange(len(ok)), ok] = True
        pick = int(ok[np.argmax(_score(cands, value, budget, masks, model))])
        chosen[pick] = True
        free[cands.claim == cands.claim[pick]] = False
        total += int(cands.words[pick])
    return chosen


def _prepare(
    claims: list[Claim], alignment: Alignment, titles: Sequence[str], model: TokenModel
) -> tuple[_Candidates, _Objective]:
    """The candidates (at most ``POOL``, best expected precision first) with their features, and the objective."""
    sents = alignment.sentences
    t = table(sents, story_stems([s.norm for s in sents]), titles)
    p = prob_matrix(t, model)
    cands = _candidates(claims, sents, t)
    value = _Objective(p)
    if not len(cands.claim):
        return cands, value
    if len(cands.claim) > POOL:
        width = cands.pad + 1
        alone = (np.arange(len(cands.claim))[:, None] * width + cands.tok)[cands.tok < cands.pad]
        density = value(alone, len(cands.claim), width) / cands.words
        cands = cands.take(np.sort(np.argsort(-density, kind="stable")[:POOL]))
    cands.phrase = np.zeros(cands.tok.shape)
    np.cumsum(phrase_support(t, cands), axis=1, out=cands.phrase[:, 1:])
    x = copy_features(sents, t, p[:, 0], cands.sentence, soft_support(alignment, cands.sentence))
    q = copy_probs(x, model)
    sources = np.array([claims[c].independent_sources for c in cands.claim], dtype=float)
    cands.attrs = np.column_stack([x, q, sources / max(sources.max(), 1.0)])
    return cands, value


def choices(
    claims: list[Claim],
    alignment: Alignment,
    words: int,
    titles: Sequence[str] = (),
    model: TokenModel | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """For fitting: the candidates' sentences, every allowed choice (mask) and its :data:`CHOICE_FEATURES`;
    None when there are too many choices to list."""
    cands, value = _prepare(claims, alignment, titles, model or TokenModel())
    masks = _subsets(cands) if len(cands.claim) else None
    if masks is None:
        return None
    masks = masks[allowed(masks, cands.words, words)]
    return cands.sentence, masks, _features(cands, value, words, masks)


def summarize(
    claims: list[Claim],
    alignment: Alignment,
    words: int = DEFAULT_WORDS,
    titles: Sequence[str] = (),
    model: TokenModel | None = None,
) -> list[SummarySentence]:
    """Pick claim mentions for a summary of about ``words`` words; each sentence cites its claim's sources.

    Support enters through the word model (words many outlets use), the bigram support and the claims'
    source counts; neutrality through the word offsets (stop-word style, hype words). ``model``: fitted
    constants by default.
    """
    if not claims or words <= 0:
        return []
    model = model or TokenModel()
    cands, value = _prepare(claims, alignment, titles, model)
    if not len(cands.claim):
        return []
    masks = _subsets(cands)
    if masks is None:
        chosen = _greedy(cands, value, words, model)
    else:
        masks = masks[allowed(masks, cands.words, words)]
        chosen = masks[int(np.argmax(_score(cands, value, words, masks, model)))]
    sents = alignment.sentences
    return [
        SummarySentence(
            text=sents[cands.sentence[c]].text,
            sources=list(claims[cands.claim[c]].sources),
            claim=claims[cands.claim[c]].id,
        )
        for c in np.flatnonzero(chosen)
    ]

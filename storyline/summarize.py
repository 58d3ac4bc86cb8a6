"""A neutral extractive summary in which every sentence cites its sources.

Fitted by ``tools/fit_summary.py`` on NeuS train (choices by 5-fold CV on train; NeuS val as the check):

1. Word model. For each word (stem) of the story and each ``j`` = 1, 2, ..., the probability that a neutral
   summary of about ``words`` words uses it at least ``j`` times, from story-level evidence: the share of
   the articles using it, its count, the share of sentences and of article leads holding it, its earliest
   position, the headlines using it, whether it is a number or a capitalised name, the share of its uses
   inside quotation marks, whether it is a stop word, the budget (log of the words asked for, and of their
   ratio to the story's words), plus one learned offset per stop word and per common word (summaries say
   "and", "that", "in", "vote", "bill" more often, "I", "we", "just", "big", "massive" less often than news
   copy). A logistic model fits the offsets; boosted trees (:class:`WordTrees`, shipped in
   :data:`TREES_FILE`) over the same features plus that offset give the probabilities (they capture the
   interactions, e.g. how the budget changes the use of stop words and repeats).
2. Choice. Every mention of every claim is a candidate sentence; a choice is a set of candidates, at most
   one per claim, read in story order and cut at the word budget. The shipped choice score is the expected
   unigram F1 of the cut summary under the word model (expected matches use clipped counts, so a sentence
   repeating words already chosen gains little: the redundancy control). The score is linear in
   :data:`CHOICE_FEATURES`; ``tools/fit_summary.py --choice fit`` also weighs the sentences' own features
   (a copy model's probability that a neutral summary copies the sentence, lead position, support,
   headline overlap, quotes, a dangling opening pronoun), their claims' source counts, the cross-article
   support of the bigrams kept and the fill, but with the word trees that scored lower on train CV.

Lines a reader cannot take alone are left out when the other sentences offer at least ``EDITORIAL_SPARE``
times the budget, as in a big story; in a small one, such as NeuS's three reports, they stay candidates.
They are editorial lines (one independent source, and a loaded term or no number or name in them) and
dangling lines (not an article's first sentence, and opening with a pronoun or connective: "This
partnership ...", "But he ...", whose antecedent the summary may not carry).

The best choice is found among all choices when there are few (NeuS stories: ~40), else greedily (add the
candidate that most raises the score until the budget is filled). Only choices that fill the budget (if any
can), stay within ``OVERSHOOT`` x budget (or are one sentence) and have no sentence wholly past the budget
are allowed: the last sentence may cross the budget, and the eval cut truncates it. The summary is put in
story order; each sentence cites its claim's sources.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from itertools import chain

import numpy as np

from .align import Alignment
from .clean import normalize
from .framing import loaded_terms
from .model import Claim, Sentence, SummarySentence
from .segment import STOPWORDS, stem

DEFAULT_WORDS = 100
BUDGET_SCALE = 65.0  # words: the budget features are log(budget / this)
MAX_COUNT = 4  # model P(used >= j times) for j = 1..MAX_COUNT; later repeats earn nothing
OVERSHOOT = 1.5  # never pass this x the budget (the sentence that reaches the budget may overshoot it)
MIN_WORDS, MAX_WORDS = 6, 60  # candidate sentence length bounds (words), when there are more than 3 claims
POOL = 64  # candidates kept for the greedy search (best expected precision first); NeuS stories have fewer
MAX_SUBSETS = 1024  # choose among all choices when there are no more than this many, else greedily
MAX_CELLS = 250_000  # ... and no more than this many (choice, word) cells to count
EDITORIAL_SPARE = 4  # editorial single-source lines are left out when the rest offers this x the budget

_WORD = re.compile(r"[a-z0-9]+")
_CAPITALISED = re.compile(r"(?<=[\w,;:] )[A-Z][\w'-]*")  # a capitalised word inside a sentence: a name
_QUOTED = re.compile(r"\"[^\"]*\"")
_DIGIT = re.compile(r"\d")
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
    "log_budget",  # log(budget / 65 words): longer summaries use more of the story's words
    "log_fill",  # log(budget / the story's words)
    "log_budget_x_article_share",
    "log_budget_x_stop",
    "log_budget_x_first_position",
    "log_budget_x_title_share",
    "log_count_per_j",  # log(1 + occurrences / j)
    "j2",
    "j3plus",
    "stop_j2plus",
    "stop_x_article_share",
)
BASE = len(TOKEN_FEATURES) - 5  # story-level features; the last 5 depend on j
# Fitted by tools/fit_summary.py on all 2,452 stories of ../shared/data/dev/neus_train.jsonl (C = 1; offsets
# for the stop words and for the words of >= 40 training stories that are not mostly capitalised names). With
# the shipped trees (TREES_FILE) these weights are not used directly: the trees read the offsets.
# fmt: off
TOKEN_WEIGHTS = np.array([
    0.878, -0.053, -0.488, 0.388, 0.671, 1.252, 0.378, -0.536, 0.688, 0.671, 0.268, 0.079, -0.366, 0.724,
    1.350, 0.490, 0.704, -0.078, 2.327, -1.786, -2.706, 0.850, -1.616
])
TOKEN_BIAS = -2.824
WORD_BIAS: dict[str, float] = {  # per stop word or common word, added to the log-odds
    "a": 1.56, "abil": -0.18, "abl": -0.18, "about": 0.06, "abus": 0.23, "accept": -0.27, "access": 0.34,
    "accord": -0.08, "account": 0.44, "accus": 0.30, "acknowledg": -0.31, "across": -0.21, "activ": -0.43,
    "activist": -0.18, "add": 0.64, "addit": -0.56, "address": 0.37, "administr": 0.38, "admit": -0.30,
    "advanc": -0.14, "advis": -0.01, "affair": -0.17, "affect": -0.03, "after": 0.49, "afternoon": -0.30,
    "again": -1.30, "against": 0.11, "age": 0.51, "agenc": 0.14, "agenda": -0.25, "aggress": -0.30, "ago":
    -1.01, "agre": 0.14, "agreement": 0.32, "ahead": -0.32, "aid": 0.14, "aim": -0.19, "air": 0.19, "all":
    -0.07, "alleg": 0.74, "alli": -0.03, "allow": 0.62, "almost": -0.75, "along": -0.16, "alreadi": -0.19,
    "also": 0.62, "am": -0.70, "amid": -0.62, "among": -0.92, "an": 0.53, "and": 2.04, "ani": 0.13, "announc":
    0.78, "anoth": -0.55, "answer": -0.10, "anti": -0.15, "anticip": -0.39, "ap": -1.35, "appar": -0.36,
    "appeal": 0.28, "appear": -0.49, "appli": -0.06, "applic": -0.08, "approach": -0.41, "approv": 0.63,
    "are": 0.50, "area": -0.84, "argu": -0.03, "arm": -0.18, "around": -0.69, "arrest": 0.49, "arriv": -0.27,
    "articl": 0.57, "as": 0.59, "ask": 0.19, "assault": 0.51, "assist": 0.06, "at": 0.13, "attack": 0.19,
    "attempt": 0.13, "attorney": 0.42, "author": 0.28, "avail": 0.23, "averag": 0.62, "avoid": 0.16, "away":
    -1.13, "back": -0.55, "ballot": 0.69, "ban": 0.86, "bar": -0.63, "base": -0.26, "battl": 0.05, "be": 0.58,
    "becam": -0.27, "becaus": -0.28, "becom": -0.37, "been": -0.07, "befor": 0.19, "began": -0.48, "begin":
    0.03, "behind": -0.40, "believ": -0.21, "benefit": 0.26, "best": 0.11, "better": -0.62, "between": 0.04,
    "bid": -0.48, "big": -1.39, "biggest": -0.76, "bill": 1.30, "billion": 1.26, "bipartisan": 0.92, "blame":
    0.48, "blast": -0.47, "block": 0.34, "blow": -0.98, "board": 0.42, "boost": -0.11, "border": 0.99, "both":
    -0.07, "break": -0.35, "brief": -0.47, "bring": -0.04, "broke": -0.19, "brought": -0.78, "budget": 1.18,
    "build": 0.66, "busi": 0.32, "but": -0.29, "by": 0.48, "c": 0.56, "calif": -1.10, "call": 0.46, "came":
    -0.75, "campaign": 0.46, "can": -0.64, "cancel": 0.59, "candid": 0.68, "capit": 0.02, "care": -0.50,
    "carri": -0.33, "case": 0.52, "cast": -0.28, "caus": -0.12, "celebr": -0.01, "certain": 0.14, "chairman":
    -0.03, "challeng": 0.43, "chamber": -0.39, "chanc": -0.85, "chang": 0.34, "charg": 0.63, "check": 0.65,
    "chief": 0.25, "children": 0.70, "cite": -0.31, "citi": 0.25, "citizen": -0.03, "civil": 0.21, "claim":
    0.42, "clash": -0.38, "clear": -0.32, "climat": 0.41, "close": -0.11, "co": 0.24, "colleg": 0.42,
    "combat": -0.51, "come": 0.25, "command": -0.43, "comment": 0.35, "commiss": 0.40, "commit": 0.50,
    "communic": 0.26, "communiti": -0.16, "compani": 0.95, "compar": -0.10, "complet": -0.22, "concern": 0.43,
    "condemn": 0.54, "condit": 0.12, "conduct": 0.26, "confer": 0.57, "confirm": 0.20, "confront": -0.33,
    "congression": 0.41, "conserv": 0.02, "consid": 0.41, "constitut": -0.19, "contact": 0.24, "contain":
    -0.07, "contest": -0.66, "continu": -0.24, "control": 0.18, "controversi": -0.15, "convict": 0.70,
    "cooper": 0.08, "coronavirus": 0.27, "cost": -0.10, "could": -0.07, "counsel": 0.49, "count": 0.37,
    "countri": 0.49, "cover": -0.35, "creat": 0.18, "crime": 0.55, "crimin": -0.17, "crisi": 0.15, "critic":
    0.39, "cross": 0.32, "crowd": -0.06, "current": 0.31, "cut": 0.20, "d": 0.38, "daili": -0.22, "damag":
    0.40, "danger": -0.36, "data": 0.10, "dead": -0.74, "deal": 0.40, "death": 0.43, "debat": 0.56, "decad":
    -0.66, "decid": -0.51, "decis": 0.10, "declar": -0.30, "defeat": -0.09, "defend": -0.03, "defens": 0.27,
    "delay": -0.03, "deliv": -0.93, "demand": -0.58, "demonstr": 0.16, "deni": 0.66, "deputi": 0.59,
    "describ": -0.37, "design": -0.10, "despit": -0.23, "detail": -0.40, "determin": -0.09, "develop": 0.12,
    "did": -0.29, "didn": -0.96, "die": -0.06, "differ": -0.46, "diplomat": -0.15, "direct": -0.16, "discuss":
    0.29, "dismiss": 0.02, "disput": 0.03, "district": 0.25, "divid": -0.65, "divis": -0.42, "do": -1.09,
    "doctor": 0.41, "document": 0.51, "doe": -0.38, "doesn": 0.12, "dollar": 0.06, "don": -0.76, "done":
    -0.58, "door": -0.39, "dose": 1.34, "down": -0.47, "dozen": -0.14, "drop": 0.59, "due": 0.22, "dure":
    -0.14, "each": -0.17, "earli": 0.02, "earlier": -0.40, "econom": 0.12, "economi": 0.37, "effect": 0.46,
    "effort": -0.48, "eight": 0.27, "elect": 0.86, "elector": 0.39, "email": -0.06, "emerg": -0.30,
    "emergenc": 0.64, "employe": 0.58, "end": 0.03, "energi": 0.17, "enforc": 0.08, "enough": -0.95, "ensur":
    -0.04, "enter": 0.31, "entir": -0.21, "escal": -0.21, "establish": -0.28, "estim": -0.39, "even": -1.21,
    "evening": -0.15, "event": -0.01, "ever": -0.79, "everi": -0.62, "evid": 0.43, "execut": 0.39, "expand":
    0.42, "expect": 0.36, "expert": 0.47, "express": 0.18, "face": -0.08, "fact": -0.18, "fail": 0.26, "fall":
    -0.35, "fals": 0.50, "famili": 0.37, "familiar": -1.23, "far": -1.22, "favor": 0.32, "fear": -0.20,
    "feder": 0.57, "fell": 0.41, "few": -0.67, "fight": -1.05, "figur": -0.50, "file": 0.54, "final": -0.08,
    "financi": 0.14, "find": -0.20, "fire": 0.28, "first": 0.28, "five": 0.52, "floor": 0.10, "focus": 0.12,
    "follow": -0.44, "for": 0.93, "forc": -0.02, "foreign": 0.26, "form": -0.04, "formal": -0.13, "former":
    0.89, "forward": -0.30, "found": -0.24, "four": 0.09, "fraud": 0.51, "free": 0.09, "friend": -0.24,
    "from": 0.76, "front": 0.05, "fuel": 0.10, "full": 0.43, "fulli": 0.19, "fund": 0.77, "further": -0.36,
    "futur": -0.50, "gain": 0.43, "gather": -0.42, "gave": -0.47, "get": -0.77, "giant": 0.35, "give": -0.42,
    "given": -0.01, "global": -0.21, "go": -0.70, "good": -0.35, "got": -0.58, "govern": 0.54, "governor":
    0.35, "grant": 0.61, "great": -0.46, "ground": 0.06, "group": 0.15, "grow": -0.69, "guilti": 0.21, "gun":
    1.17, "had": -0.02, "half": -0.69, "halt": 0.11, "hand": -0.59, "handl": -0.08, "happen": -0.16, "hard":
    -0.49, "has": 0.56, "have": 0.60, "he": 0.58, "head": 0.02, "health": 0.35, "hear": 0.78, "held": 0.19,
    "help": 0.15, "her": 0.78, "here": -0.61, "herself": 0.18, "high": -0.24, "higher": -0.34, "highest":
    -0.07, "him": -0.24, "himself": -0.21, "hire": -0.32, "his": 0.64, "histor": -0.31, "histori": -0.13,
    "hit": -0.68, "hold": -0.08, "home": 0.11, "hope": -0.60, "hospit": 0.23, "host": 0.61, "hour": -0.07,
    "how": -0.43, "howev": 0.16, "human": 0.34, "hundr": -0.16, "i": -0.62, "if": 0.25, "illeg": 0.69,
    "immedi": -0.19, "immigr": 0.54, "impeach": 0.56, "import": -0.07, "impos": 0.57, "improv": 0.30, "in":
    1.34, "incid": 0.23, "includ": 0.55, "increas": 0.19, "independ": 0.09, "indic": -0.31, "individu": 0.94,
    "industri": -0.33, "infect": 0.19, "inform": 0.62, "infrastructur": 0.14, "initi": 0.36, "inquiri": 0.39,
    "insid": -0.21, "insist": -0.63, "instead": 0.08, "institut": 0.27, "insur": 0.28, "intellig": 0.21,
    "intend": -0.19, "interest": 0.07, "interfer": 0.51, "internat": -0.56, "interview": 1.08, "into": -0.35,
    "introduc": 0.56, "investig": 0.77, "involv": 0.48, "is": 0.71, "issu": 0.06, "it": 0.53, "itself": -0.40,
    "job": 0.64, "join": 0.19, "joint": -0.18, "journalist": 0.40, "judg": 0.25, "just": -1.28, "keep": -0.57,
    "key": -0.89, "kill": 0.44, "kind": -0.44, "know": -0.60, "known": -0.20, "ky": 0.07, "lack": 0.61,
    "larg": -0.73, "largest": -0.33, "last": 0.30, "late": -0.11, "later": -0.15, "latest": -0.59, "launch":
    -0.56, "law": 0.70, "lawmak": -0.14, "lawsuit": 0.41, "lawyer": 0.09, "lead": 0.16, "leader": 0.12,
    "leadership": -0.30, "learn": 0.05, "least": -0.12, "leav": 0.09, "led": -0.14, "left": 0.55, "legal":
    0.14, "legisl": 0.06, "less": -1.10, "let": -0.63, "letter": 0.92, "level": -0.36, "liber": -0.44, "lie":
    0.52, "life": -0.29, "like": -0.11, "limit": 0.04, "line": -0.34, "list": -0.47, "littl": -0.36, "live":
    -0.42, "ll": -0.78, "local": -0.05, "long": -0.92, "longer": 0.28, "look": -0.23, "lost": -0.23, "lot":
    -0.59, "low": -0.10, "lower": 0.05, "m": -1.59, "made": 0.04, "main": -0.05, "major": 0.02, "make": -0.08,
    "man": -0.16, "manag": 0.84, "mani": 0.02, "mark": -0.05, "market": -0.17, "mask": 0.46, "mass": -0.42,
    "massiv": -1.02, "matter": -1.07, "may": 0.13, "me": -0.53, "mean": -0.87, "measur": -0.71, "media": 0.64,
    "medic": 0.41, "meet": 0.55, "member": -0.04, "messag": -0.26, "met": 0.15, "might": -0.56, "migrant":
    1.21, "militari": 0.72, "million": 0.88, "minut": -0.37, "miss": 0.33, "moder": 0.92, "moment": -0.62,
    "money": -0.01, "month": 0.29, "more": 0.04, "morn": 0.12, "most": -0.37, "move": -0.12, "movement": 0.18,
    "much": -0.77, "multipl": -0.65, "must": -0.46, "my": -0.90, "myself": -0.12, "n": -0.59, "name": 0.22,
    "nation": 0.03, "nationwid": -0.10, "near": -0.54, "need": 0.19, "negoti": 0.21, "network": -0.68,
    "never": -0.25, "new": 0.18, "newli": -0.23, "next": -0.23, "night": 0.13, "nine": -0.02, "no": 0.03,
    "nomin": 0.88, "nomine": 0.20, "nor": -0.12, "not": 0.57, "note": -0.44, "noth": -0.05, "novel": -0.54,
    "now": -0.86, "nuclear": 1.14, "number": 0.53, "obtain": -0.01, "of": 1.63, "off": -0.40, "offer": -0.24,
    "offic": 0.53, "offici": -0.10, "often": -0.28, "old": -0.09, "on": 1.08, "onc": -0.97, "one": -0.39,
    "ongo": 0.19, "onli": -0.17, "onlin": -0.25, "open": -0.35, "oper": -0.76, "opinion": 0.42, "oppos": 0.50,
    "opposit": 0.20, "or": 0.26, "order": 0.46, "organiz": 0.21, "origin": -0.17, "other": 0.25, "our": -0.49,
    "out": -0.31, "outbreak": 0.22, "outlet": 0.20, "outlin": -0.38, "outsid": -0.36, "over": 0.03, "own":
    -0.39, "p": -0.98, "packag": 0.35, "page": 0.11, "paid": -0.09, "pandem": 0.39, "panel": 0.03, "part":
    -0.08, "parti": -0.14, "particip": -0.39, "partisan": -0.07, "pass": 0.75, "past": -0.46, "pay": 0.66,
    "payment": 0.80, "peac": 0.01, "peopl": 0.47, "per": 0.20, "percent": -0.28, "perform": -0.42, "person":
    -0.09, "pick": -0.26, "place": -0.01, "plan": 0.58, "platform": 1.13, "play": -0.36, "pledg": -0.27,
    "point": -0.31, "polic": 0.62, "polici": 0.43, "polit": 0.14, "poll": 0.10, "posit": 0.36, "possibl":
    -0.04, "post": 0.01, "potenti": 0.26, "power": 0.07, "practic": -0.42, "prepar": 0.07, "present": -0.09,
    "presidenti": 0.68, "press": 0.26, "pressur": -0.11, "prevent": 0.20, "previous": 0.58, "price": 0.27,
    "primari": 0.31, "prior": -0.29, "prioriti": -0.57, "prison": 0.72, "privat": -0.09, "probe": 0.51,
    "problem": 0.06, "procedur": -0.10, "proceed": 0.04, "process": 0.27, "produc": -0.32, "product": 0.08,
    "program": 0.12, "progress": 0.38, "project": 0.89, "promis": 0.08, "prompt": -0.48, "propos": 0.67,
    "prosecutor": -0.07, "protect": 0.27, "protest": 0.76, "provid": 0.21, "public": 0.08, "publish": 0.43,
    "pull": -0.20, "punish": -0.02, "push": -0.71, "put": -0.62, "question": 0.23, "quick": -0.76, "r": 0.22,
    "race": 0.05, "rais": 0.58, "ralli": 0.25, "rang": -0.27, "rate": 1.08, "re": -0.97, "reach": 0.03,
    "read": -0.28, "readi": -0.64, "real": 0.12, "reason": 0.12, "receiv": 0.33, "recent": 0.04, "recommend":
    0.65, "record": 0.23, "recoveri": 0.02, "reduc": 0.20, "refer": -0.40, "reflect": -0.57, "reform": 0.05,
    "refus": -0.11, "regard": -0.25, "region": -0.53, "regul": 0.42, "reject": 0.31, "relat": 0.20, "releas":
    0.62, "relief": 0.21, "remain": 0.49, "remark": -0.91, "remov": 1.00, "renew": 0.31, "reopen": -0.06,
    "repeat": -0.78, "replac": 0.18, "report": 0.94, "request": 0.65, "requir": 0.75, "research": -0.03,
    "resid": -0.12, "resign": 1.14, "resolut": 1.11, "respond": 0.13, "respons": 0.06, "restrict": 0.42,
    "result": 0.53, "return": 0.20, "reuter": -0.75, "reveal": -0.43, "revers": -0.12, "review": 0.16,
    "revis": -0.51, "right": 0.42, "riot": -0.40, "rise": -0.36, "risk": -0.08, "role": -0.20, "roll": 0.12,
    "rose": -0.41, "rough": -0.13, "round": -0.21, "rule": 0.75, "run": 0.03, "s": 1.19, "safeti": -0.44,
    "said": 0.50, "same": -0.54, "save": -0.15, "saw": -0.57, "say": 0.09, "schedul": -0.13, "school": 0.53,
    "season": -0.45, "seat": 0.91, "second": 0.33, "secret": 0.33, "secur": 0.21, "see": -0.59, "seek": 0.09,
    "seem": -0.68, "seen": -0.44, "send": -0.32, "senior": -0.61, "sent": 0.06, "sentenc": 0.78, "seri":
    -0.32, "serious": -0.14, "serv": 0.19, "servic": 0.49, "session": -0.60, "set": -0.49, "seven": 0.23,
    "sever": 0.12, "sexual": 1.33, "share": -0.52, "she": 0.46, "shift": -0.56, "shoot": 0.64, "short": -0.12,
    "shot": 0.30, "should": -0.13, "show": -0.37, "shutdown": 0.60, "side": -0.43, "sign": 0.13, "signal":
    -0.65, "signific": -0.34, "sinc": 0.15, "singl": 0.28, "sit": -0.12, "site": -0.03, "situat": -0.62,
    "six": 0.66, "slam": -0.74, "slow": -0.56, "small": -0.42, "so": -1.36, "social": -0.07, "some": 0.36,
    "someth": -0.45, "son": 0.01, "soon": 0.03, "sought": -0.70, "sourc": -0.80, "southern": -0.20, "spark":
    -0.44, "speak": -0.69, "special": 0.69, "speech": 0.40, "spend": 0.26, "spent": -0.36, "spoke": -0.25,
    "spread": 0.20, "staff": 0.68, "stage": -0.53, "stand": 0.18, "star": -0.09, "start": -0.16, "statement":
    0.30, "stay": -0.12, "step": -0.41, "still": -0.19, "stimulus": 0.93, "stock": 0.61, "stop": -0.39,
    "stori": 0.52, "strike": -0.33, "strong": -0.33, "struck": 0.01, "struggl": -0.37, "student": 0.28,
    "studi": 0.47, "subpoena": 0.71, "such": -0.09, "suggest": 0.30, "summit": 0.68, "support": 0.32,
    "survey": -0.37, "suspect": 0.04, "sweep": -1.35, "system": 0.37, "t": -0.71, "take": -0.21, "taken":
    -0.53, "talk": -0.49, "target": 0.25, "tax": 1.01, "team": 0.45, "tech": 0.01, "tell": -0.58, "ten": 0.12,
    "tension": -0.39, "term": -0.10, "test": 0.84, "testifi": 1.24, "testimoni": -0.10, "than": -0.19, "that":
    1.39, "the": 3.15, "their": 0.19, "them": -1.11, "then": -0.70, "there": -0.06, "these": -0.78, "they":
    -0.28, "thing": -0.20, "think": -0.30, "third": 0.28, "this": 0.29, "those": -0.47, "though": -0.71,
    "thousand": -0.13, "threat": -0.27, "threaten": -0.39, "three": 0.13, "through": -0.42, "tie": 0.06,
    "time": -0.17, "to": 1.67, "today": -0.37, "togeth": -0.25, "told": -0.26, "too": -0.36, "took": -0.56,
    "top": -0.56, "total": -0.02, "toward": -0.79, "track": 0.10, "trade": 0.63, "transit": 0.22, "travel":
    0.92, "treat": -0.03, "treatment": 0.60, "tri": -0.73, "trial": 0.81, "trillion": 0.74, "troop": 1.06,
    "turn": -0.82, "tweet": 0.84, "two": 0.19, "under": -0.23, "unemploy": 1.31, "unpreced": -0.91, "until":
    0.48, "up": -0.54, "urg": -0.37, "use": 0.46, "vaccin": 1.68, "ve": -0.85, "veri": -0.58, "victim": -0.13,
    "victori": -0.72, "video": 0.64, "view": -0.30, "violat": 1.25, "violenc": 0.91, "violent": -0.36,
    "virus": 0.76, "visit": -0.09, "vote": 1.45, "voter": 0.64, "vow": -0.89, "wake": -0.38, "walk": -0.19,
    "wall": 0.59, "want": -0.93, "war": -0.28, "warn": 0.14, "was": 0.89, "watch": -0.08, "way": -0.67, "we":
    -0.70, "weapon": 0.42, "week": 0.53, "weekend": 0.18, "well": -0.79, "went": -0.66, "were": 0.45, "what":
    -0.82, "when": -0.40, "where": -0.44, "whether": 0.21, "whi": -1.30, "which": 0.28, "while": -0.04, "who":
    0.18, "whom": -0.51, "whose": -0.33, "wide": -0.94, "will": 0.95, "win": -0.26, "wit": 0.94, "with": 0.59,
    "withdraw": 0.23, "within": 0.39, "without": -0.23, "woman": 0.34, "women": 0.37, "won": -0.05, "word":
    -0.48, "work": 0.13, "worker": -0.14, "world": -0.02, "worst": -0.40, "would": 0.67, "wrote": -0.40, "y":
    -0.34, "year": 0.47, "yet": -0.40, "you": -0.32, "your": -0.62, "yourself": -0.04
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
# tools/fit_summary.py --choice expected-f1 (the default): the expected ROUGE-1 F1 alone ranks the choices;
# its 5-fold CV on NeuS train beat fitted weights over all the features once the word trees were in.
# ``--choice fit`` fits all of them (softmax over each story's choices, tau 0.01, L2 1e-4).
CHOICE_WEIGHTS = np.eye(len(CHOICE_FEATURES))[0]


TREE_FEATURES = (*TOKEN_FEATURES, "word_offset")  # the trees' inputs: the logistic model's, and its offset
TREES_FILE = "data/summary_trees.json"  # written by tools/fit_summary.py


@dataclass(frozen=True)
class WordTrees:
    """Boosted regression trees over :data:`TREE_FEATURES`: log-odds = ``base`` + one leaf value per tree.

    Each tree is stored complete, of depth ``depth``: split ``k`` (0-based, breadth first) sends a row to
    split ``2k + 1`` when ``x[feature] <= threshold``, else to ``2k + 2``; after ``depth`` steps the split
    index minus (2^depth - 1) is the leaf. (A leaf of the fitted tree above full depth is repeated below.)"""

    base: float
    feature: np.ndarray  # (trees x 2^depth - 1) feature index of each split
    threshold: np.ndarray  # (trees x 2^depth - 1)
    value: np.ndarray  # (trees x 2^depth) leaf values

    @property
    def depth(self) -> int:
        return int(np.log2(self.value.shape[1]))

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """Log-odds of each row of ``x`` (rows x TREE_FEATURES)."""
        n_trees, n_splits = self.feature.shape
        tree = np.arange(n_trees) * n_splits
        rows = np.arange(len(x))[:, None] * x.shape[1]
        flat, feature, threshold = x.ravel(), self.feature.ravel(), self.threshold.ravel()
        node = np.zeros((len(x), n_trees), dtype=np.int64)
        for _ in range(self.depth):
            at = tree + node
            node = 2 * node + 1 + (flat[rows + feature[at]] > threshold[at])
        return self.base + self.value.ravel()[np.arange(n_trees) * (n_splits + 1) + node - n_splits].sum(1)

    def to_dict(self) -> dict:
        return {
            "base": self.base,
            "features": list(TREE_FEATURES),
            **{k: getattr(self, k).tolist() for k in ("feature", "threshold", "value")},
        }

    @classmethod
    def from_dict(cls, d: dict) -> WordTrees:
        if tuple(d["features"]) != TREE_FEATURES:
            raise ValueError("word trees fitted on other features; rerun tools/fit_summary.py")
        return cls(
            base=float(d["base"]),
            feature=np.array(d["feature"], dtype=np.int64),
            threshold=np.array(d["threshold"], dtype=float),
            value=np.array(d["value"], dtype=float),
        )


@lru_cache(maxsize=1)
def default_trees() -> WordTrees | None:
    """The fitted word trees shipped with the package (None if the file is absent: logistic model only)."""
    path = resources.files("storyline").joinpath(TREES_FILE)
    if not path.is_file():
        return None
    return WordTrees.from_dict(json.loads(path.read_text(encoding="utf-8")))


@dataclass(frozen=True)
class TokenModel:
    """Models of a word's use in a neutral summary (logistic over :data:`TOKEN_FEATURES` with word offsets,
    refined by boosted trees when ``trees`` is set) and of a sentence being copied into it (see
    :data:`COPY_FEATURES`)."""

    weights: np.ndarray = field(default_factory=lambda: TOKEN_WEIGHTS)
    bias: float = TOKEN_BIAS
    word_bias: dict[str, float] = field(default_factory=lambda: WORD_BIAS)
    copy_weights: np.ndarray = field(default_factory=lambda: COPY_WEIGHTS)
    copy_bias: float = COPY_BIAS
    choice_weights: np.ndarray = field(default_factory=lambda: CHOICE_WEIGHTS)
    trees: WordTrees | None = field(default_factory=default_trees)


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
    sentences: Sequence[Sentence],
    sentence_stems: Sequence[list[str]],
    titles: Sequence[str] = (),
    budget: int = DEFAULT_WORDS,
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
    lb = np.log(max(budget, 1) / BUDGET_SCALE)
    rows[:, 12] = lb
    rows[:, 13] = np.log(max(budget, 1) / max(len(flat), 1))
    rows[:, 14] = lb * rows[:, 0]
    rows[:, 15] = lb * stop
    rows[:, 16] = lb * first
    rows[:, 17] = lb * rows[:, 5]
    return WordTable(words, index, ids, count, rows, stop, np.flatnonzero(titled), flat, sent, art)


def word_table(
    sentences: Sequence[Sentence],
    sentence_stems: Sequence[list[str]],
    titles: Sequence[str] = (),
    budget: int = DEFAULT_WORDS,
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The story's distinct stems, their counts and their story-level features."""
    t = table(sentences, sentence_stems, titles, budget)
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
    the same model as on :func:`repeat_rows`, without building its rows; with ``model.trees``, the trees on
    the rows of :func:`repeat_rows` plus the word offset (entries for j > the word's count are 0)."""
    if model.trees is not None:
        x, idx, j = repeat_rows(t.rows, t.counts)
        offset = np.array([model.word_bias.get(w, 0.0) for w in t.words])
        p = np.zeros((len(t.words), MAX_COUNT))
        p[idx, j - 1] = 1.0 / (1.0 + np.exp(-model.trees(np.column_stack([x, offset[idx]]))))
        return np.minimum.accumulate(p, axis=1)
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
    budget: int = DEFAULT_WORDS,
) -> dict[str, np.ndarray]:
    """``{stem: P(a neutral summary of about ``budget`` words uses it >= j times)}``, j = 1..min(count,
    MAX_COUNT)."""
    t = table(sentences, sentence_stems, titles, budget)
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
    claims: list[Claim],
    alignment: Alignment,
    titles: Sequence[str] = (),
    model: TokenModel | None = None,
    words: int = DEFAULT_WORDS,
) -> tuple[np.ndarray, np.ndarray]:
    """The candidate sentences of a story (alignment indices) and their :func:`copy_features` (for fitting)."""
    cands, _ = _prepare(claims, alignment, titles, model or TokenModel(), words, full=True)
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


def _editorial(cands: _Candidates, claims: list[Claim], sents: Sequence[Sentence], words: int) -> _Candidates:
    """Without the editorial and dangling lines, when the rest offers at least ``EDITORIAL_SPARE`` x
    ``words`` words.

    An editorial line is a sentence that only one independent source carries and that uses a loaded
    term (:func:`~storyline.framing.loaded_terms`) or names nothing (no number, no capitalised name
    inside it): "A city in mourning, and a lot of questions nobody wants to answer." A dangling line
    opens with a pronoun or connective and is not its article's first sentence: "This partnership
    undermines ...". A small story keeps them, since a summary of few reports often needs them."""
    if not len(cands.claim):
        return cands
    text = [sents[k].text for k in cands.sentence]
    drop = np.array([sents[k].index > 0 and bool(_DANGLING.match(sents[k].text)) for k in cands.sentence])
    single = np.array([claims[c].independent_sources <= 1 for c in cands.claim])
    if single.any():
        bare = np.array([not _DIGIT.search(x) and not _CAPITALISED.search(x) for x in text])
        loaded = np.array([bool(single[k] and not bare[k] and loaded_terms(x)) for k, x in enumerate(text)])
        drop |= single & (bare | loaded)
    keep = ~drop
    if keep.all() or cands.words[keep].sum() < EDITORIAL_SPARE * words:
        return cands
    return cands.take(np.flatnonzero(keep))


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
    w = model.choice_weights
    if cands.attrs is None:  # unweighted sentence features were skipped: expected F1 and length terms only
        w = np.concatenate([w[:1], w[-3:]])
    return _features(cands, value, budget, masks) @ w


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
    """Choices within ``OVERSHOOT`` x budget (or of one sentence) whose every sentence starts before the
    budget (read in story order), and that fill the budget, if any can."""
    w = masks.astype(np.int64) * words
    total = w.sum(1)
    last = w[np.arange(len(masks)), masks.shape[1] - 1 - np.argmax(masks[:, ::-1], 1)]  # in story order
    ok = ((total <= budget * OVERSHOOT) | (masks.sum(1) == 1)) & (total - last < budget)
    if (ok & (total >= budget)).any():
        ok &= total >= budget
    return ok


def _can_fill(cands: _Candidates, free: np.ndarray, ok: np.ndarray, total: int, budget: int) -> np.ndarray:
    """Per candidate in ``ok``: does adding it fill the budget, or leave a free sentence of another claim
    that still fits within ``OVERSHOOT`` x the budget?"""
    after = total + cands.words[ok]
    idx = np.flatnonzero(free)
    order = idx[np.argsort(cands.words[idx], kind="stable")]
    if not len(order):
        return after >= budget
    first = order[0]
    other = order[cands.claim[order] != cands.claim[first]]
    shortest = np.where(
        cands.claim[ok] != cands.claim[first],
        cands.words[first],
        cands.words[other[0]] if len(other) else np.iinfo(np.int64).max // 2,
    )
    return (after >= budget) | (after + shortest <= budget * OVERSHOOT)


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
        fill = _can_fill(cands, free, ok, total, budget)
        if fill.any():  # (keep the budget reachable: a long pick may leave only sentences too long to add)
            ok = ok[fill]
        masks = np.repeat(chosen[None, :], len(ok), axis=0)
        masks[np.arange(len(ok)), ok] = True
        pick = int(ok[np.argmax(_score(cands, value, budget, masks, model))])
        chosen[pick] = True
        free[cands.claim == cands.claim[pick]] = False
        total += int(cands.words[pick])
    start = np.cumsum(cands.words * chosen) - cands.words * chosen  # in story order
    return chosen & (start < budget)  # nothing wholly past the budget


def _prepare(
    claims: list[Claim],
    alignment: Alignment,
    titles: Sequence[str],
    model: TokenModel,
    words: int,
    full: bool = False,
) -> tuple[_Candidates, _Objective]:
    """The candidates (at most ``POOL``, best expected precision first) and the objective; with the sentence
    features when ``full`` or when the choice weights use them."""
    sents = alignment.sentences
    t = table(sents, story_stems([s.norm for s in sents]), titles, words)
    p = prob_matrix(t, model)
    cands = _editorial(_candidates(claims, sents, t), claims, sents, words)
    value = _Objective(p)
    if not len(cands.claim):
        return cands, value
    if len(cands.claim) > POOL:
        width = cands.pad + 1
        alone = (np.arange(len(cands.claim))[:, None] * width + cands.tok)[cands.tok < cands.pad]
        density = value(alone, len(cands.claim), width) / cands.words
        cands = cands.take(np.sort(np.argsort(-density, kind="stable")[:POOL]))
    if not full and not model.choice_weights[1:-3].any():
        return cands, value
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
    cands, value = _prepare(claims, alignment, titles, model or TokenModel(), words, full=True)
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
    cands, value = _prepare(claims, alignment, titles, model, words)
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

"""Made-up news events and articles for the corpus tests (no real articles are copied)."""

from __future__ import annotations

import random

EVENTS: dict[str, list[str]] = {
    "flood": [
        "Heavy rain flooded the Riverton valley road on Tuesday, forcing the county to close it.",
        "About 300 homes in Riverton lost power as the Marsh River burst its banks.",
        "County engineer Dana Whitlock said crews would inspect the Old Mill bridge on Wednesday.",
        "Residents of Riverton were told to boil drinking water until further notice.",
        "The National Weather Service recorded 140 millimetres of rain in 24 hours over Riverton.",
        "Volunteers filled sandbags outside the Riverton fire station through the night.",
        "Schools in the Marsh River district stayed closed while the floodwater receded.",
        "Governor Ellen Park promised emergency funds for Riverton farmers whose fields were flooded.",
    ],
    "wildfire": [
        "A wildfire near Cedar Hills burned 2,400 acres and forced the evacuation of 900 residents.",
        "Fire chief Marcus Obi said strong winds pushed the Cedar Hills blaze toward the reservoir.",
        "Two firefighters were treated for smoke inhalation at Cedar Hills Regional Hospital.",
        "The Pine Ridge highway was closed as flames jumped the ridge on Sunday afternoon.",
        "Investigators believe a downed power line sparked the Cedar Hills fire.",
        "Air tankers dropped retardant over the canyon while crews cut containment lines.",
        "The blaze was 35 percent contained by Monday evening, fire officials said.",
        "Evacuees from Cedar Hills sheltered at the county fairgrounds overnight.",
    ],
    "quake2019": [
        "A magnitude 5.6 earthquake struck Kesh island on Sunday, injuring five people.",
        "The 2019 Kesh earthquake damaged a clinic and two schools in the harbour town of Darra.",
        "Seismologist Amir Tabesh said the 5.6 quake was centred ten kilometres under the island.",
        "Rescue teams from the mainland reached Darra within three hours of the 5.6 tremor.",
        "Five injured residents of Darra were flown to the provincial hospital in Bandar.",
        "Officials said no one was killed in the 2019 Kesh island earthquake.",
        "The Sunday quake cut water supplies to Darra for most of the day.",
        "Aftershocks of magnitude 4.1 rattled Darra overnight, the seismology institute said.",
    ],
    "quake2021": [
        "A magnitude 6.3 earthquake hit Kesh island on Thursday, killing twelve people.",
        "The 2021 Kesh quake flattened houses in the fishing village of Lavan Sar.",
        "Governor Reza Moradi declared three days of mourning after the 6.3 quake.",
        "Twelve dead and 48 injured were counted in Lavan Sar by Friday morning.",
        "The Red Crescent sent tents and blankets to Lavan Sar after the deadly tremor.",
        "The 6.3 Thursday quake was the strongest on Kesh island in decades, experts said.",
        "Survivors in Lavan Sar slept outdoors fearing more aftershocks.",
        "Rescuers pulled a child alive from the rubble of a Lavan Sar school on Friday.",
    ],
    "election": [
        "Voters in Port Ellis elected Sofia Alvarez as mayor with 54 percent of the vote.",
        "Alvarez defeated incumbent mayor George Brandt, who conceded on Tuesday night.",
        "Turnout in the Port Ellis mayoral election reached 61 percent, the clerk said.",
        "Alvarez promised to expand the Port Ellis tram line and build affordable housing.",
        "Brandt had led Port Ellis city hall for twelve years before the defeat.",
        "The Port Ellis city council will swear in Alvarez on January 3.",
        "Alvarez, a former harbour authority lawyer, ran on a transit platform.",
        "Supporters of Alvarez celebrated outside the Port Ellis civic centre.",
    ],
}

FILLER = [
    "Reporters at the scene described long queues of cars.",
    "Local radio carried updates throughout the day.",
    "Officials asked people to follow instructions from emergency services.",
    "More details are expected at a press conference later this week.",
]


def make_article(event: str, k: int, seed: int = 0, sentences: int = 5) -> dict:
    """One made-up article about ``event`` (a shuffled selection of its sentences plus filler)."""
    rnd = random.Random(f"{event}-{k}-{seed}")
    chosen = rnd.sample(EVENTS[event], sentences)
    chosen.insert(rnd.randrange(len(chosen)), rnd.choice(FILLER))
    return {
        "id": f"{event}-{k}",
        "source": f"Outlet {k}",
        "title": chosen[0].split(",")[0],
        "text": " ".join(chosen[1:]),
        "event": event,
    }


def make_corpus(per_event: int = 6, seed: int = 0, events: list[str] | None = None) -> list[dict]:
    """``per_event`` articles for each event, interleaved."""
    names = events or list(EVENTS)
    out = []
    for k in range(per_event):
        for e in names:
            out.append(make_article(e, k, seed))
    return out


def page(title: str, body: str) -> str:
    """A small HTML page around an article body."""
    paras = "".join(f"<p>{s}</p>" for s in body.split(". ") if s)
    return (
        f"<!doctype html><html><head><title>{title}</title></head><body><nav>Home | World</nav>"
        f"<article><h1>{title}</h1>{paras}</article><footer>Copyright Example</footer></body></html>"
    )

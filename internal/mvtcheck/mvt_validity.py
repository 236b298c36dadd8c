"""Checks every polygon of Mapbox Vector Tiles with GDAL (OGR's MVT driver,
GEOS's IsValid), an oracle independent of placeplan's encoder.

Usage: python3 mvt_validity.py TILE...  (files not named z/x/y, so that GDAL
reports the tiles' integer coordinates). Prints one JSON object: for each
tile its polygon count and, for each invalid polygon, its feature index,
GEOS's reason and its WKT.
"""
import json
import sys

from osgeo import gdal, ogr

gdal.UseExceptions()
reasons = []


def handler(_cls, _num, msg):
    reasons.append(msg)


gdal.PushErrorHandler(handler)
out = {}
for path in sys.argv[1:]:
    ds = gdal.OpenEx(path, gdal.OF_VECTOR, allowed_drivers=["MVT"])
    polygons, invalid = 0, []
    for li in range(ds.GetLayerCount()):
        layer = ds.GetLayer(li)
        for i, f in enumerate(layer):
            g = f.GetGeometryRef()
            if g is None or ogr.GT_Flatten(g.GetGeometryType()) not in (ogr.wkbPolygon, ogr.wkbMultiPolygon):
                continue
            polygons += 1
            del reasons[:]
            if not g.IsValid():
                invalid.append({"feature": i, "reason": "; ".join(reasons), "wkt": g.ExportToWkt()})
    out[path] = {"polygons": polygons, "invalid": invalid}
json.dump(out, sys.stdout)

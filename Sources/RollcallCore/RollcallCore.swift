// RollcallCore: the small set of types every Rollcall module shares (version, file helpers, pixel geometry,
// worker ids). It depends on Foundation only, so the edge agent stays light.

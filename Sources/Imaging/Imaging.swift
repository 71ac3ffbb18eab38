// Imaging works in RollcallCore's pixel geometry: importing Imaging brings `Point` and `Rect` along, so the
// detector, the aligner, the agent and the wire format all speak the same two types.
@_exported import struct RollcallCore.Point
@_exported import struct RollcallCore.Rect

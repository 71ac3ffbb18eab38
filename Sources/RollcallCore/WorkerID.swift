/// A worker's identifier: the one type that names a worker everywhere — the cloud's store (the row id it mints,
/// always positive), FaceRecognition's gallery and its snapshot, the wire messages agents and the cloud
/// exchange, and the HTTP API (a JSON number).
///
/// A 64-bit integer rather than a string because the cloud's database is the only place workers are created:
/// the id it assigns is already unique and ordered, has a fixed 8-byte wire form, and carries no text to
/// validate (no empty, over-long or control-character ids can exist).
public typealias WorkerID = Int64

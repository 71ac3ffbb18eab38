// Wire: the MQTT topic tree and the binary message formats shared by agent and cloud.
//
// Every payload starts with a 4-byte header — magic "RC", format version, message kind — followed by the
// kind's fields in a fixed order (big-endian integers, IEEE-754 float32, length-prefixed UTF-8 strings and
// byte strings). Decoding checks every field against `WireLimits` and throws a `WireError` that names the
// field; a newer format version is refused with `.unsupportedVersion`. `docs/protocol.md` documents the
// formats byte by byte.

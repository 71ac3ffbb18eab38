// MQTT: an async/await MQTT v5 client over libmosquitto — TLS with client certificates, QoS 0/1 publish that
// returns after the broker's PUBACK, subscriptions as AsyncSequences (shared subscriptions included), last
// will, persistent sessions, and automatic reconnection with exponential backoff and jitter
// (`ReconnectStateMachine`). libmosquitto's network loop runs on one dedicated thread per client; the C
// callbacks reach Swift through an unmanaged context pointer and a lock-protected state.

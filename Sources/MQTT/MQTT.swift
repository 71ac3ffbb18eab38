// MQTT: an async/await client over libmosquitto (MQTT v5, TLS with client certificates, reconnect).

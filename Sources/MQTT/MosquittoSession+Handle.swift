import CMosquitto

/// The handle's options, set once before any connection: MQTT v5 in threaded mode, TLS, Receive Maximum,
/// the last will.
extension MosquittoSession {
    func configureHandle() throws {
        try check(mosquitto_int_option(handle, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5), "protocol version 5")
        try check(mosquitto_threaded_set(handle, true), "threaded mode")
        // Small packets (PUBACK, QoS 1 publishes one at a time) must not wait for Nagle's algorithm.
        try check(mosquitto_int_option(handle, MOSQ_OPT_TCP_NODELAY, 1), "TCP_NODELAY")
        try check(mosquitto_int_option(handle, MOSQ_OPT_RECEIVE_MAXIMUM, Int32(configuration.receiveMaximum)),
                  "receive maximum \(configuration.receiveMaximum)")
        if let tls = configuration.tls {
            try check(mosquitto_tls_set(handle, tls.caFile, nil, tls.certificateFile, tls.keyFile, nil),
                      "TLS files (ca \(tls.caFile), certificate \(tls.certificateFile ?? "none"))")
            try check(mosquitto_tls_opts_set(handle, 1, tls.minimumVersion, tls.ciphers), "TLS options")
            try check(mosquitto_tls_insecure_set(handle, !tls.verifyHostname), "TLS hostname check")
        }
        if let will = configuration.will {
            let rc = will.payload.withUnsafeBytes { bytes in
                mosquitto_will_set_v5(handle, will.topic, Int32(bytes.count), bytes.baseAddress, will.qos.rawValue,
                                      will.retain, nil)
            }
            try check(rc, "last will on \(will.topic)")
        }
    }

    private func check(_ rc: Int32, _ context: String) throws {
        guard rc == MosquittoLibrary.success else {
            throw MQTTError.library(.invalidConfiguration, rc, context)
        }
    }
}

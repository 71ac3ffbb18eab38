import CMosquitto
import Testing

@Suite struct MosquittoTests {
    @Test func libraryInitialisesAndReportsVersion2() {
        #expect(mosquitto_lib_init() == Int32(MOSQ_ERR_SUCCESS.rawValue))
        defer { mosquitto_lib_cleanup() }
        var major: Int32 = 0, minor: Int32 = 0, revision: Int32 = 0
        _ = mosquitto_lib_version(&major, &minor, &revision)
        #expect(major == 2)
        let client = mosquitto_new("rollcall-smoke", true, nil)
        #expect(client != nil)
        #expect(mosquitto_int_option(client, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5) == Int32(MOSQ_ERR_SUCCESS.rawValue))
        mosquitto_destroy(client)
    }
}

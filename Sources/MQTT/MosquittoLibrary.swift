import CMosquitto

/// libmosquitto's process-wide initialisation, done once before the first client is created.
enum MosquittoLibrary {
    private static let initialised: Bool = {
        mosquitto_lib_init()
        return true
    }()

    static func ensureInitialised() { _ = initialised }

    static let success = Int32(MOSQ_ERR_SUCCESS.rawValue)
    static let noConnection = Int32(MOSQ_ERR_NO_CONN.rawValue)
}

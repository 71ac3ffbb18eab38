// swift-tools-version:6.0
// Rollcall: edge face detection agents and a cloud aggregator, connected over MQTT with TLS.
import PackageDescription

let package = Package(
    name: "Rollcall",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "rollcall", targets: ["rollcall"]),
        .executable(name: "rollcall-agent", targets: ["rollcall-agent"]),
        .executable(name: "rollcall-cloud", targets: ["rollcall-cloud"]),
        // Test fixture only: an emulated V4L2 camera loaded with LD_PRELOAD (see Sources/FakeV4L2). Never linked.
        .library(name: "FakeV4L2", type: .dynamic, targets: ["FakeV4L2"]),
        // Loaded by Mosquitto (config/mosquitto/mosquitto.conf): refuses subscriptions the ACL does not grant. Never linked.
        .library(name: "RollcallBrokerPlugin", type: .dynamic, targets: ["RollcallBrokerPlugin"]),
        // For the libFuzzer targets in Fuzz/ (a package of their own, built only by scripts/fuzz).
        .library(name: "Wire", targets: ["Wire"]),
        .library(name: "Imaging", targets: ["Imaging"]),
        .library(name: "Neural", targets: ["Neural"]),
        .library(name: "KerasHDF5", targets: ["KerasHDF5"]),
        .library(name: "Agent", targets: ["Agent"]),
        .library(name: "Cloud", targets: ["Cloud"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // MARK: System libraries (each with a tiny C shim for what Swift cannot import)
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CV4L2", pkgConfig: "libv4l2", providers: [.apt(["libv4l-dev"])]),
        .systemLibrary(name: "CMosquitto", pkgConfig: "libmosquitto", providers: [.apt(["libmosquitto-dev"])]),
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5-serial", providers: [.apt(["libhdf5-dev"])]),

        // MARK: Libraries, one job each
        .target(name: "RollcallCore"),
        // One strict YAML reader (key-named, line-numbered errors; unknown keys refused) for agent and cloud.
        .target(name: "ConfigFile", dependencies: [.product(name: "Yams", package: "Yams")]),
        .target(name: "ModelSupply", dependencies: [
            "RollcallCore", .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // Own CPU microkernels, compiled per instruction set inside the file (function target attributes), chosen
        // at run time: the binaries stay baseline x86-64. -O3 so that tests in debug builds run them at speed.
        .target(name: "CNeuralKernels", cSettings: [.unsafeFlags(["-O3", "-std=c11"])]),
        .target(name: "Neural", dependencies: ["RollcallCore", "CNeuralKernels", "COpenBLAS"]),
        // Keras `.h5` files through libhdf5, lowered to Neural's plan. Only what runs a Keras model depends on it
        // (Emotion, Evaluation, the CLI): `rollcall-agent` does not link libhdf5.
        .target(name: "KerasHDF5", dependencies: ["Neural", "CHDF5"]),
        .target(name: "Imaging", dependencies: ["RollcallCore", "CTurboJPEG", "CPNG"]),
        .target(name: "FaceDetection", dependencies: ["Neural", "Imaging"]),
        .target(name: "FaceRecognition", dependencies: ["RollcallCore", "Neural", "Imaging", "FaceDetection"]),
        .target(name: "Emotion", dependencies: ["Neural", "KerasHDF5", "Imaging", "FaceDetection"]),
        .target(name: "Wire", dependencies: ["RollcallCore", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "MQTT", dependencies: ["RollcallCore", "CMosquitto"]),
        // `/metrics` of agent and cloud: swift-metrics handles on a per-instance swift-prometheus registry.
        .target(name: "RollcallMetrics", dependencies: [
            .product(name: "CoreMetrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ]),
        .target(name: "PKI", dependencies: [
            "RollcallCore", .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
        ]),
        .target(name: "Capture", dependencies: ["RollcallCore", "Imaging", "CV4L2"]),
        .target(name: "FakeV4L2", linkerSettings: [.linkedLibrary("dl"), .linkedLibrary("pthread")]),
        // The broker's own symbols (mosquitto_callback_register, …) resolve when mosquitto loads the plugin.
        .target(name: "RollcallBrokerPlugin"),
        .target(name: "Agent", dependencies: [
            "RollcallCore", "ConfigFile", "ModelSupply", "Neural", "Imaging", "FaceDetection", "FaceRecognition", "Wire", "MQTT",
            "Capture", "RollcallMetrics", .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "Cloud", dependencies: [
            "RollcallCore", "ConfigFile", "ModelSupply", "Neural", "Imaging", "FaceDetection", "FaceRecognition", "Emotion",
            "Wire", "MQTT", "RollcallMetrics",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
        ]),

        // MARK: Tooling: evaluation protocols, reference checks and fixtures. Only the `rollcall` CLI and the tests
        // depend on it; neither `rollcall-agent` nor `rollcall-cloud` contains it.
        .target(name: "Evaluation", dependencies: [
            "RollcallCore", "Neural", "KerasHDF5", "Imaging", "FaceDetection", "FaceRecognition", "Emotion", "Agent",
        ]),

        // MARK: Executables (thin: argument parsing, then the library does the work)
        .executableTarget(name: "rollcall", dependencies: [
            "RollcallCore", "ModelSupply", "Neural", "KerasHDF5", "Imaging", "FaceDetection", "FaceRecognition", "Emotion",
            "Wire", "MQTT", "PKI", "Capture", "Agent", "Cloud", "Evaluation",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "rollcall-agent", dependencies: [
            "RollcallCore", "Agent",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "rollcall-cloud", dependencies: [
            "RollcallCore", "Cloud",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // MARK: Test support: fixtures every test target shares (free ports, polling with a deadline, child
        // processes, the broker fixture, the release CLI, data-gated traits). Never in an executable's closure.
        .target(name: "TestSupport", dependencies: ["PKI", "MQTT"], path: "Tests/TestSupport"),

        // MARK: Tests mirror the modules
        .testTarget(name: "SystemLibraryTests", dependencies: ["TestSupport",
            "COpenBLAS", "CTurboJPEG", "CPNG", "CV4L2", "CMosquitto", "CHDF5",
        ]),
        .testTarget(name: "ModelSupplyTests", dependencies: ["TestSupport", "ModelSupply"]),
        .testTarget(name: "RollcallCoreTests", dependencies: ["TestSupport", "RollcallCore"]),
        .testTarget(name: "ConfigFileTests", dependencies: ["ConfigFile"]),
        .testTarget(name: "NeuralTests", dependencies: ["TestSupport", "Neural", "CNeuralKernels", "COpenBLAS", "ModelSupply", "RollcallCore"]),
        .testTarget(name: "KerasHDF5Tests", dependencies: ["TestSupport", "KerasHDF5", "Neural", "ModelSupply"]),
        .testTarget(name: "ImagingTests", dependencies: ["TestSupport", "Imaging"]),
        .testTarget(name: "FaceDetectionTests", dependencies: ["TestSupport", "FaceDetection", "ModelSupply", "RollcallCore", "Neural"]),
        .testTarget(name: "FaceRecognitionTests", dependencies: [
            "TestSupport", "FaceRecognition", "RollcallCore", "ModelSupply", "KerasHDF5",
            // The evaluation pipeline and the VGG16 hash network drive some of the recognition tests.
            "Evaluation",
        ]),
        .testTarget(name: "EmotionTests", dependencies: ["TestSupport", "Emotion", "KerasHDF5", "ModelSupply"]),
        .testTarget(name: "EvaluationTests", dependencies: ["TestSupport", "Evaluation", "Emotion", "FaceRecognition"]),
        .testTarget(name: "WireTests", dependencies: ["TestSupport", "Wire", "RollcallCore"]),
        .testTarget(name: "MQTTTests", dependencies: ["TestSupport", "MQTT", "Wire", "PKI"]),
        .testTarget(name: "RollcallMetricsTests", dependencies: ["RollcallMetrics"]),
        .testTarget(name: "PKITests", dependencies: ["TestSupport", "PKI", .product(name: "X509", package: "swift-certificates")]),
        .testTarget(name: "CaptureTests", dependencies: ["TestSupport", "Capture"]),
        .testTarget(name: "AgentTests", dependencies: ["TestSupport",
            "Agent", "ConfigFile", "FaceDetection", "FaceRecognition", "ModelSupply", "Imaging", "Wire", "MQTT", "RollcallCore",
            .product(name: "Crypto", package: "swift-crypto"), .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "CloudTests", dependencies: ["TestSupport",
            "Cloud", "Imaging", "Wire", "MQTT", "PKI", "FaceRecognition", "FaceDetection", "Emotion", "ModelSupply",
            "RollcallCore",
            // The agent's face path, to feed the cloud the same crops an agent sends (EdgeCloudAgreementTests).
            "Agent",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "Crypto", package: "swift-crypto"), .product(name: "Logging", package: "swift-log"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
        ]),
        .testTarget(name: "EndToEndTests", dependencies: ["TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)

// The cloud aggregator's configuration (`config/cloud.yaml`): typed, with defaults and bounds.
import FaceRecognition
import Foundation

/// Everything `rollcall-cloud` is configured with. Build it with `CloudConfig(yaml:)` (strict) or in code.
public struct CloudConfig: Sendable, Equatable {
    /// The HTTP server (API, dashboard, metrics).
    public struct HTTP: Sendable, Equatable {
        /// Address to bind; loopback by default.
        public var host = "127.0.0.1"
        /// TCP port (0 picks a free one).
        public var port = 8080
        /// Largest accepted upload (photo, recognize image), in bytes.
        public var maxUploadBytes = 10 * 1024 * 1024
        /// Largest accepted JSON request body, in bytes (413 beyond).
        public var maxJSONBytes = 64 * 1024
        /// Page size of list endpoints when the client gives none, and the largest allowed.
        public var defaultPageSize = 50
        public var maxPageSize = 500
        public init() {}
    }

    /// Where state lives.
    public struct Storage: Sendable, Equatable {
        /// SQLite database file.
        public var database = ".data/cloud/rollcall.sqlite"
        /// Folder of detection crops (`known/` and `unknown/` below it).
        public var cropsDirectory = ".data/cloud/crops"
        /// Folder of enrollment photos.
        public var photosDirectory = ".data/cloud/photos"
        /// PostgreSQL instead of SQLite (`postgres://user[:password]@host[:port]/database[?sslmode=…]`): several
        /// aggregators share it, and crops and photos are kept in it (the folders above are then unused).
        /// Nil: SQLite.
        public var postgresURL: String?
        public init() {}
    }

    /// How long crops are kept.
    public struct Retention: Sendable, Equatable {
        /// Days to keep crops of recognised workers.
        public var knownDays = 30.0
        /// Days to keep crops of unknown faces.
        public var unknownDays = 7.0
        /// Seconds between two sweeps of the retention job.
        public var sweepIntervalSeconds = 3600.0
        /// Hours the live feed's events are kept (a browser reconnecting later resumes from the oldest kept).
        public var liveEventHours = 24.0
        /// Days the notification log keeps a delivery (also capped at `RetentionService.maxNotificationDeliveries`).
        public var notificationDays = 90.0
        public init() {}
    }

    /// Recognition and enrollment.
    public struct Recognition: Sendable, Equatable {
        /// Concurrent recognition workers; 0 means one per core.
        public var workers = 0
        /// Messages the broker may deliver before ingest acknowledges them (MQTT Receive Maximum): crops in
        /// recognition or waiting for a worker. More stay with the broker (back-pressure); none is dropped.
        public var queueDepth = 64
        /// Largest embedding distance still counted as a match: the dlib backbone's calibrated default
        /// (0.47: strangers accepted 0.8% of the time on celeba-dev, against 53% at dlib's customary 0.6;
        /// docs/performance.md, "Identity").
        public var matchThreshold = Double(MatchPolicy.defaults(for: .dlib).threshold)
        /// Smallest gap between the nearest and the second-nearest worker for a match (0: none needed).
        public var matchMargin = Double(MatchPolicy.defaults(for: .dlib).margin)
        /// The nearest worker must be closer than this fraction of the second-nearest's distance (1: no such
        /// test; 0.86 keeps accepted strangers near 1% from a dozen to thousands of workers; docs/performance.md,
        /// "Open-set decisions").
        public var matchRatio = Double(MatchPolicy.defaults(for: .dlib).ratio)
        /// Smallest face side (pixels) accepted in an enrollment photo.
        public var minEnrollmentFacePixels = 80
        /// Smallest sharpness accepted in an enrollment photo: the variance of the Laplacian of the aligned
        /// 150×150 face chip (`ChipSharpness`; calibrated on LFW-a, docs/performance.md, "Enrollment photos").
        public var minEnrollmentSharpness = Double(EnrollmentPhotoCheck().minimumChipSharpness)
        /// Smallest frontalness (0 profile … 1 frontal) accepted in an enrollment photo.
        public var minEnrollmentFrontalness = Double(EnrollmentPhotoCheck().minimumFrontalness)
        /// OpenBLAS threads per matrix product; 0 means cores / workers (1 when every core has a worker: the
        /// parallelism comes from the pool, and threaded OpenBLAS products from two workers serialise).
        public var blasThreads = 0
        /// Weight of a crop's emotion in its track's moving average (1: no smoothing).
        public var emotionSmoothing = 0.3
        /// Below this smoothed top probability a track's emotion is "uncertain".
        public var emotionUncertainBelow = 0.4
        public init() {}

        /// The match policy of the gallery: the cloud decides with it, and it travels in the signed snapshot so
        /// that edge-matching agents decide with it too.
        public var matchPolicy: MatchPolicy {
            MatchPolicy(threshold: Float(matchThreshold), margin: Float(matchMargin), ratio: Float(matchRatio))
        }

        /// The enrollment photo check with these limits.
        public var enrollmentPhotoCheck: EnrollmentPhotoCheck {
            EnrollmentPhotoCheck(minimumFacePixels: Float(minEnrollmentFacePixels),
                                 minimumChipSharpness: Float(minEnrollmentSharpness),
                                 minimumFrontalness: Float(minEnrollmentFrontalness))
        }

        /// Workers actually started.
        public var effectiveWorkers: Int {
            workers > 0 ? workers : max(1, ProcessInfo.processInfo.activeProcessorCount)
        }

        /// OpenBLAS threads actually set.
        public var effectiveBLASThreads: Int {
            blasThreads > 0 ? blasThreads : max(1, ProcessInfo.processInfo.activeProcessorCount / effectiveWorkers)
        }
    }

    /// The MQTT connection (absent `host` means no broker: API and dashboard only).
    public struct MQTT: Sendable, Equatable {
        public var host: String?
        public var port = 8883
        /// CA, client certificate and key (PEM) for mutual TLS.
        public var caFile: String?
        public var certificateFile: String?
        public var keyFile: String?
        /// Client id; each aggregator needs its own.
        public var clientID = "rollcall-cloud-1"
        /// Shared-subscription group all aggregators of one deployment join.
        public var shareGroup = "rollcall-cloud"
        /// Largest accepted face-crop message, in bytes.
        public var maxMessageBytes = 1024 * 1024
        public init() {}
    }

    /// Gallery signing.
    public struct Gallery: Sendable, Equatable {
        /// The cloud's gallery-signing private key (created on first start when absent).
        public var signingKeyFile = ".data/cloud/gallery-signing.key"
        /// Hours a signed gallery message stays valid; agents with no newer gallery refuse it afterwards (the
        /// cloud re-signs its latest version when half of this is left).
        public var maxAgeHours = 168.0
        public init() {}
    }

    /// A site known in advance (sites are also created when their first agent reports).
    public struct Site: Sendable, Equatable {
        public var id: String
        public var name: String
        /// Whether emotion is estimated for this site's faces.
        public var emotion: Bool
        public init(id: String, name: String, emotion: Bool) {
            self.id = id
            self.name = name
            self.emotion = emotion
        }
    }

    public var http = HTTP()
    public var storage = Storage()
    public var retention = Retention()
    public var recognition = Recognition()
    public var mqtt = MQTT()
    public var gallery = Gallery()
    public var sites: [Site] = []
    public var dashboard = Dashboard()
    public var metrics = Metrics()
    public var notifications = Notifications()
    public var webhooks = Webhooks()

    /// The defaults.
    public init() {}
}

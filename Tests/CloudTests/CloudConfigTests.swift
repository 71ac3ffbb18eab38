import Cloud
import Foundation
import Testing

@Suite struct CloudConfigTests {
    @Test func emptyFileGivesDefaults() throws {
        let config = try CloudConfig(yaml: "")
        #expect(config == CloudConfig())
        #expect(config.http.host == "127.0.0.1")
        #expect(config.recognition.effectiveWorkers >= 1)
        // One worker per core: OpenBLAS single-threaded, the pool gives the parallelism.
        #expect(config.recognition.effectiveBLASThreads == 1)
    }

    @Test func shippedConfigParses() throws {
        let config = try CloudConfig(contentsOf: "config/cloud.yaml")
        #expect(config.http.port == 8080)
        #expect(config.sites.map(\.id) == ["hq"])
        #expect(config.mqtt.host == nil)
    }

    @Test func readsEverySection() throws {
        let config = try CloudConfig(yaml: """
            http: {host: 0.0.0.0, port: 9000, max_upload_bytes: 2048}
            storage: {database: /tmp/x.sqlite, crops_dir: /tmp/c, photos_dir: /tmp/p, postgres_url: "postgres://r@db/rc"}
            retention: {known_days: 1.5, unknown_days: 0.5, sweep_interval_seconds: 60, notification_days: 14}
            recognition: {workers: 3, queue_depth: 10, match_threshold: 0.5, blas_threads: 2, emotion_smoothing: 0.5,
                          emotion_uncertain_below: 0.35}
            mqtt: {host: broker, port: 8884, ca: ca.pem, cert: c.pem, key: c.key, client_id: c2, share_group: g}
            gallery: {signing_key: k}
            sites: [{id: a, name: Site A, emotion: false}, {id: b}]
            """)
        #expect(config.http.port == 9000)
        #expect(config.storage.postgresURL == "postgres://r@db/rc")
        #expect(config.recognition.queueDepth == 10)
        #expect(config.http.maxUploadBytes == 2048)
        #expect(config.retention.unknownDays == 0.5 && config.retention.notificationDays == 14)
        #expect(config.recognition.effectiveWorkers == 3)
        #expect(config.recognition.effectiveBLASThreads == 2)
        #expect(config.recognition.emotionSmoothing == 0.5 && config.recognition.emotionUncertainBelow == 0.35)
        #expect(config.mqtt.host == "broker")
        #expect(config.sites == [.init(id: "a", name: "Site A", emotion: false), .init(id: "b", name: "b", emotion: false)])
    }

    @Test func unknownKeyIsRefusedByName() {
        #expect {
            _ = try CloudConfig(yaml: "http:\n  prot: 80\n")
        } throws: { error in
            let error = error as? CloudError
            return error?.code == .invalidConfig && error?.subject == "http.prot"
        }
        #expect {
            _ = try CloudConfig(yaml: "databse: x\n")
        } throws: { ($0 as? CloudError)?.subject == "databse" }
        #expect {
            _ = try CloudConfig(yaml: "sites: [{id: a, colour: red}]")
        } throws: { ($0 as? CloudError)?.subject == "sites[0].colour" }
    }

    @Test func valuesOutOfBoundsOrMistypedAreRefused() {
        let cases: [(String, String)] = [
            ("http: {port: 70000}", "http.port"),
            ("http: {port: eighty}", "http.port"),
            ("http: {max_upload_bytes: 10}", "http.max_upload_bytes"),
            ("retention: {known_days: -1}", "retention.known_days"),
            ("retention: {notification_days: 0}", "retention.notification_days"),
            ("recognition: {match_threshold: 9}", "recognition.match_threshold"),
            ("recognition: {emotion_smoothing: 0}", "recognition.emotion_smoothing"),
            ("recognition: {emotion_uncertain_below: 1.5}", "recognition.emotion_uncertain_below"),
            ("sites: [{id: 'bad id!'}]", "sites[0].id"),
            ("sites: [{id: a}, {id: a}]", "sites[1].id"),
            ("mqtt: {host: broker}", "mqtt"),
            ("http: [1, 2]", "http"),
        ]
        for (yaml, subject) in cases {
            #expect(throws: CloudError.self, "\(yaml)") { try CloudConfig(yaml: yaml) }
            do {
                _ = try CloudConfig(yaml: yaml)
            } catch {
                #expect(error.subject == subject, "\(yaml)")
            }
        }
    }

    @Test func fileErrorsNameTheFile() {
        #expect {
            _ = try CloudConfig(contentsOf: "/nonexistent/cloud.yaml")
        } throws: { ($0 as? CloudError)?.subject == "/nonexistent/cloud.yaml" }
    }

    @Test func readsTheDashboardMetricsAndGalleryGuards() throws {
        let config = try CloudConfig(yaml: """
            http: {max_json_bytes: 4096}
            dashboard: {session_hours: 2, secure_cookies: always, public_url: "https://Rollcall.Example.com:8443/x",
                        trust_forwarded_headers: true, failed_logins_per_minute: 5}
            metrics: {host: 10.0.0.5, port: 9464}
            gallery: {max_age_hours: 48}
            """)
        #expect(config.http.maxJSONBytes == 4096)
        #expect(config.dashboard.sessionHours == 2 && config.dashboard.secureCookies == .always)
        #expect(config.dashboard.publicOrigin == "https://rollcall.example.com:8443")
        #expect(config.dashboard.trustForwardedHeaders && config.dashboard.failedLoginsPerMinute == 5)
        #expect(config.metrics.host == "10.0.0.5" && config.metrics.port == 9464)
        #expect(config.gallery.maxAgeHours == 48)
        #expect(CloudConfig().metrics.port == nil && CloudConfig().dashboard.secureCookies == .auto)
        for (yaml, key) in [("dashboard: {secure_cookies: sometimes}", "dashboard.secure_cookies"),
                            ("dashboard: {public_url: rollcall.example.com}", "dashboard.public_url"),
                            ("dashboard: {session_hours: 0}", "dashboard.session_hours"),
                            ("metrics: {port: 70000}", "metrics.port"),
                            ("gallery: {max_age_hours: 0}", "gallery.max_age_hours")] {
            do {
                _ = try CloudConfig(yaml: yaml)
                Issue.record("\(yaml) accepted")
            } catch {
                #expect(error.subject == key, "\(yaml): \(error)")
            }
        }
    }
}

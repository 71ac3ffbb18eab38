// Routes of issue 17's features under /api/v1: recurring unknown people, "not this worker" corrections,
// attendance (JSON and CSV), the notification log, site time zones and workers' sites. Writes need the admin role (AuthMiddleware).
import Foundation
import Hummingbird

/// Registers the feature routes next to `APIController`'s.
struct FeatureRoutes {
    let aggregator: Aggregator
    let config: CloudConfig

    var store: any Store { aggregator.store }

    func register(on group: RouterGroup<CloudRequestContext>) {
        group.get("people", use: listPeople)
        group.get("people/:id", use: getPerson)
        group.post("people/:id/enroll", use: enrollPerson)
        group.post("people/:id/merge", use: mergePeople)
        group.post("people/:id/split", use: splitPerson)
        group.post("people/:id/dismiss", use: dismissPerson)
        group.post("people/:id/restore", use: restorePerson)
        group.post("detections/:id/not-this-worker", use: notThisWorker)
        group.get("corrections", use: listCorrections)
        group.delete("corrections/:id", use: undoCorrection)
        group.get("attendance", use: attendance)
        group.put("sites/:id/time-zone", use: putTimeZone)
        group.get("notifications", use: listNotifications)
        group.get("workers/:id/sites", use: getWorkerSites)
        group.put("workers/:id/sites", use: putWorkerSites)
    }

    func id(_ context: CloudRequestContext) throws(CloudError) -> Int64 {
        guard let text = context.parameters.get("id"), let value = Int64(text), value > 0 else {
            throw CloudError(.badRequest, "expected a positive integer", subject: "id")
        }
        return value
    }

    // MARK: Recurring unknown people

    @Sendable func listPeople(_ request: Request, context: CloudRequestContext) async throws -> [UnknownPerson] {
        let query = request.uri.queryParameters
        let status = try query.get("status").map { text throws(CloudError) in
            guard let s = UnknownPerson.Status(rawValue: text) else {
                throw CloudError(.badRequest, "expected one of \(UnknownPerson.Status.allCases.map(\.rawValue))", subject: "status")
            }
            return s
        } ?? .active
        let limit = try APIController.int(query.get("limit"), name: "limit", default: config.http.defaultPageSize,
                                          in: 1 ... config.http.maxPageSize)
        return try await store.unknownPeople(status: status, limit: limit)
    }

    @Sendable func getPerson(_ request: Request, context: CloudRequestContext) async throws -> UnknownPersonDetail {
        let id = try id(context)
        let person = try await aggregator.existingPerson(id)
        let crops = BestCrops.display.choose(from: try await store.unknownCropCandidates(personID: id)).map {
            UnknownPersonDetail.Crop(detectionID: $0.detectionID, quality: $0.quality, time: $0.time,
                                     url: "/api/v1/detections/\($0.detectionID)/crop")
        }
        return UnknownPersonDetail(person: person, sightings: try await store.unknownSightings(personID: id), bestCrops: crops)
    }

    @Sendable func enrollPerson(_ request: Request, context: CloudRequestContext) async throws -> EditedResponse<PersonEnrolled> {
        let body = try await request.decode(as: EnrollPersonRequest.self, context: context)
        let enrolled = try await aggregator.enrollUnknownPerson(id: try id(context), name: body.name, actor: context.actor)
        return EditedResponse(status: .created, response: enrolled)
    }

    @Sendable func mergePeople(_ request: Request, context: CloudRequestContext) async throws -> UnknownPerson {
        let body = try await request.decode(as: MergePeopleRequest.self, context: context)
        return try await aggregator.mergeUnknownPeople(into: try id(context), from: body.from, actor: context.actor)
    }

    @Sendable func splitPerson(_ request: Request, context: CloudRequestContext) async throws -> EditedResponse<UnknownPerson> {
        let body = try await request.decode(as: SplitPersonRequest.self, context: context)
        let person = try await aggregator.splitUnknownPerson(id: try id(context), tracks: body.tracks, actor: context.actor)
        return EditedResponse(status: .created, response: person)
    }

    @Sendable func dismissPerson(_ request: Request, context: CloudRequestContext) async throws -> UnknownPerson {
        try await aggregator.setUnknownPersonDismissed(id: try id(context), true, actor: context.actor)
    }

    @Sendable func restorePerson(_ request: Request, context: CloudRequestContext) async throws -> UnknownPerson {
        try await aggregator.setUnknownPersonDismissed(id: try id(context), false, actor: context.actor)
    }

    // MARK: "Not this worker"

    @Sendable func notThisWorker(_ request: Request, context: CloudRequestContext) async throws -> EditedResponse<CorrectionOutcome> {
        let body = try await request.decode(as: NotThisWorkerRequest.self, context: context)
        let outcome = try await aggregator.markNotThisWorker(detectionID: try id(context), workerID: body.workerID,
                                                             siteID: body.siteID, actor: context.actor)
        return EditedResponse(status: .created, response: outcome)
    }

    @Sendable func listCorrections(_ request: Request, context: CloudRequestContext) async throws -> [CorrectionView] {
        let query = request.uri.queryParameters
        let worker = try query.get("worker").map { text throws(CloudError) in
            guard let w = Int64(text), w > 0 else { throw CloudError(.badRequest, "expected a positive integer", subject: "worker") }
            return w
        }
        let undone = try query.get("include_undone").map { text throws(CloudError) in
            guard let b = Bool(text) else { throw CloudError(.badRequest, "expected true or false", subject: "include_undone") }
            return b
        } ?? false
        return try await store.negatives(workerID: worker, includeUndone: undone, limit: config.http.maxPageSize)
            .map(CorrectionView.init)
    }

    @Sendable func undoCorrection(_ request: Request, context: CloudRequestContext) async throws -> CorrectionOutcome {
        try await aggregator.undoNotThisWorker(correctionID: try id(context), actor: context.actor)
    }

    // MARK: Attendance

    /// `?from=YYYY-MM-DD&to=YYYY-MM-DD[&site=][&worker=][&format=csv]` (or `Accept: text/csv`): at most a year.
    @Sendable func attendance(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        guard let fromText = query.get("from"), let toText = query.get("to") else {
            throw CloudError(.badRequest, "from and to are required (YYYY-MM-DD, local days of each site)", subject: "from")
        }
        let range = try AttendanceRange(from: try LocalDate(parsing: fromText), through: try LocalDate(parsing: toText))
        let worker = try query.get("worker").map { text throws(CloudError) in
            guard let w = Int64(text), w > 0 else { throw CloudError(.badRequest, "expected a positive integer", subject: "worker") }
            return w
        }
        let site = query.get("site")
        let days = try await aggregator.attendance(range: range, siteID: site, workerID: worker)
        let names = Dictionary(try await store.workers().compactMap { w in w.id.map { ($0, w.name) } }, uniquingKeysWith: { $1 })
        let wantsCSV = query.get("format") == "csv" || request.headers[.accept]?.contains("text/csv") == true
        if let format = query.get("format"), format != "csv", format != "json" {
            throw CloudError(.badRequest, "expected csv or json", subject: "format")
        }
        if wantsCSV { return try await Self.csvResponse(days, range: range, workerNames: names, store: store) }
        let view = AttendanceView(from: range.from.description, to: range.through.description, days: days.map {
            AttendanceView.Day(date: $0.date.description, siteID: $0.siteID, timeZone: $0.timeZone, workerID: $0.workerID,
                               workerName: names[$0.workerID], firstSeen: $0.firstSeen, lastSeen: $0.lastSeen,
                               sightings: $0.sightings, cameras: $0.cameras)
        })
        return try view.response(from: request, context: context)
    }

    /// The attendance CSV download (RFC 4180) of `days` (API and dashboard).
    static func csvResponse(_ days: [AttendanceDay], range: AttendanceRange, workerNames: [Int64: String],
                            store: any Store) async throws(CloudError) -> Response {
        let siteNames = Dictionary(try await store.sites().map { ($0.id, $0.name) }, uniquingKeysWith: { $1 })
        let text = try AttendanceDay.csv(days, workerNames: workerNames, siteNames: siteNames)
        let filename = "attendance-\(range.from)-\(range.through).csv"
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8; header=present",
                                               .contentDisposition: "attachment; filename=\"\(filename)\""],
                        body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    // MARK: Notifications

    /// `?limit=&cursor=`: the notification log, newest first.
    @Sendable func listNotifications(_ request: Request, context: CloudRequestContext) async throws -> Page<NotificationDelivery> {
        let query = request.uri.queryParameters
        let limit = try APIController.int(query.get("limit"), name: "limit", default: config.http.defaultPageSize,
                                          in: 1 ... config.http.maxPageSize)
        return try await store.notificationDeliveries(limit: limit, cursor: try APIController.cursor(query.get("cursor")))
    }

    // MARK: Sites

    @Sendable func putTimeZone(_ request: Request, context: CloudRequestContext) async throws -> SiteTimeZoneView {
        guard let site = context.parameters.get("id") else { throw CloudError(.badRequest, "expected a site id", subject: "id") }
        let body = try await request.decode(as: PutTimeZoneRequest.self, context: context)
        let zone = try await aggregator.setSiteTimeZone(siteID: site, timeZone: body.timeZone, actor: context.actor)
        return SiteTimeZoneView(siteID: site, timeZone: zone.identifier)
    }

    @Sendable func getWorkerSites(_ request: Request, context: CloudRequestContext) async throws -> WorkerSitesView {
        let worker = try id(context)
        guard try await store.worker(id: worker) != nil else {
            throw CloudError(.notFound, "no such worker", subject: "worker:\(worker)")
        }
        return WorkerSitesView(workerID: worker, sites: try await store.workerSites()[worker]?.sorted(), galleryVersion: nil)
    }

    @Sendable func putWorkerSites(_ request: Request, context: CloudRequestContext) async throws -> WorkerSitesView {
        let worker = try id(context)
        let body = try await request.decode(as: WorkerSitesRequest.self, context: context)
        let version = try await aggregator.setWorkerSites(workerID: worker, sites: body.sites.map(Set.init), actor: context.actor)
        return WorkerSitesView(workerID: worker, sites: body.sites?.sorted(), galleryVersion: version.version)
    }
}

import RollcallCore
import Testing
@testable import FaceRecognition

/// "Not this worker" in the identity core: negatives refuse faces nearer to them than to the worker's own
/// enrollment, travel in the snapshot, and site galleries hold only their workers.
@Suite struct GalleryNegativesTests {
    func gallery() throws -> Gallery {
        var g = try Gallery(modelID: "dlib-resnet-v1", dimension: 2, policy: MatchPolicy(threshold: 0.5, margin: 0))
        try g.enroll(workerID: 1, embeddings: [[0, 0], [0.1, 0]])
        try g.enroll(workerID: 2, embeddings: [[3, 3]])
        return g
    }

    @Test func aFaceNearerToANegativeThanToTheEnrollmentIsNotThisWorker() throws {
        var g = try gallery()
        let stranger: [Float] = [0.3, 0.3]
        #expect(try g.decide(stranger).workerID == 1)
        try g.setNegatives([[0.32, 0.3]], of: 1)
        let d = try g.decide(stranger)
        #expect(d.reason == .notThisWorker)
        #expect(d.nearest == 1)
        #expect(d.workerID == nil)
        // The worker's own faces stay accepted: nearer to an enrollment photo than to the negative.
        #expect(try g.decide([0.05, 0.02]).workerID == 1)
        #expect(try g.decide([0.12, 0.05]).workerID == 1)
        // Other workers are untouched.
        #expect(try g.decide([3.1, 3]).workerID == 2)
        // Undo: without negatives the stranger is accepted again.
        try g.setNegatives([], of: 1)
        #expect(try g.decide(stranger).workerID == 1)
    }

    @Test func negativesAreValidated() throws {
        var g = try gallery()
        let before = g
        #expect(throws: RecognitionError.self) { try g.setNegatives([[1, 1]], of: 9) }
        #expect(throws: RecognitionError.self) { try g.setNegatives([[1, .nan]], of: 1) }
        #expect(throws: RecognitionError.self) { try g.setNegatives([[1, 1, 1]], of: 1) }
        let many = [[Float]](repeating: [1, 1], count: Gallery.maximumNegativesPerWorker + 1)
        #expect(throws: RecognitionError.self) { try g.setNegatives(many, of: 1) }
        #expect(g == before)
    }

    @Test func negativesTravelInTheSnapshot() throws {
        var g = try gallery()
        try g.setNegatives([[0.32, 0.3], [0.4, -0.2]], of: 1)
        let bytes = g.snapshot()
        let decoded = try Gallery(snapshot: bytes, expectedModelID: "dlib-resnet-v1")
        #expect(decoded == g)
        #expect(decoded.worker(1)?.negatives == [[0.32, 0.3], [0.4, -0.2]])
        #expect(try decoded.decide([0.3, 0.3]).reason == .notThisWorker)
        #expect(bytes != (try gallery()).snapshot())
    }

    @Test func versionTwoSnapshotsAreStillReadWithoutNegatives() throws {
        // Version 2 layout: no negative count per worker.
        var v2 = Gallery.snapshotMagic
        v2.appendLE(UInt16(2))
        v2.appendString("dlib-resnet-v1")
        v2.appendLE(UInt32(2))
        v2.appendLE(Float(0.5).bitPattern)
        v2.appendLE(Float(0).bitPattern)
        v2.appendLE(UInt32(1))
        v2.appendLE(WorkerID(4))
        v2.appendLE(UInt32(1))
        for v: Float in [1, 2, 1, 2] { v2.appendLE(v.bitPattern) }
        v2.appendLE(CRC32.checksum(v2))
        let g = try Gallery(snapshot: v2, expectedModelID: nil)
        #expect(g.workers.map(\.id) == [4])
        #expect(g.worker(4)?.negatives == [])
        #expect(try g.decide([1, 2.1]).workerID == 4)
    }

    @Test func aSiteGalleryHoldsOnlyItsWorkers() throws {
        var g = try gallery()
        try g.setNegatives([[0.32, 0.3]], of: 1)
        let site = g.restricted(to: [1])
        #expect(site.workers.map(\.id) == [1])
        #expect(site.worker(1)?.negatives.count == 1)
        #expect(site.policy == g.policy)
        #expect(try site.decide([3, 3]).workerID == nil)
        #expect(g.restricted(to: []).workers.isEmpty)
    }
}

import FaceDetection
import Foundation
import Imaging
import Testing
@testable import Agent

/// The tracker's motion model, time-measured gaps and re-association (synthetic sequences, 10 fps).
@Suite struct TrackerMotionTests {
    let fps = 10.0

    @Test func fastSmallFaceKeepsOneTrack() {
        // A 40-px face crossing the frame at 30 px per frame: its boxes of consecutive frames overlap little
        // (IoU 0.14), so only the motion prediction keeps them together.
        var tracker = Tracker(configuration: .init(maxGapSeconds: 1))
        var ids = Set<UInt64>()
        for k in 0 ..< 20 {
            let update = tracker.update([face(x: 20 + 30 * Float(k), y: 150, size: 40)], at: Double(k) / fps)
            ids.formUnion(update.trackIDs)
        }
        #expect(ids == [1])
    }

    @Test func occludedFaceContinuesWhereItWasHeadingTo() {
        // Moving right at 12 px per frame, hidden for 8 frames (0.8 s), reappearing 108 px further on: far
        // from where it was last seen (no overlap), at the predicted position.
        var tracker = Tracker(configuration: .init(maxGapSeconds: 1))
        var ids = [UInt64]()
        for k in 0 ..< 30 {
            let hidden = (10 ..< 18).contains(k)
            let update = tracker.update(hidden ? [] : [face(x: 50 + 12 * Float(k), y: 120, size: 60)], at: Double(k) / fps)
            ids += update.trackIDs
            #expect(update.ended.isEmpty, "frame \(k)")
        }
        #expect(Set(ids) == [1])
        #expect(tracker.tracks.first?.hits == 22)
    }

    @Test func gapsAreMeasuredInTime() throws {
        var tracker = Tracker(configuration: .init(maxGapSeconds: 1))
        _ = tracker.update([face(x: 100, y: 100)], at: 0)
        _ = tracker.update([face(x: 101, y: 100)], at: 0.1)
        // One frame later by count, but 1.5 s later by the clock (the camera stalled): the track is over.
        let update = tracker.update([face(x: 102, y: 100)], at: 1.6)
        #expect(update.ended.map(\.id) == [1])
        #expect(update.started == [2])
        // Many frames without the face within the gap keep the track.
        var fast = Tracker(configuration: .init(maxGapSeconds: 1))
        _ = fast.update([face(x: 100, y: 100)], at: 0)
        for k in 1 ... 30 {
            let ended = fast.update([], at: Double(k) * 0.03).ended
            #expect(ended.isEmpty, "frame \(k)")
        }
        let back = fast.update([face(x: 100, y: 100)], at: 0.95)
        #expect(back.trackIDs == [1])
    }

    @Test func shrinkingFaceKeepsItsTrack() {
        // Walking away: 160 px → 30 px over 40 frames while drifting.
        var tracker = Tracker(configuration: .init())
        var ids = Set<UInt64>()
        for k in 0 ..< 40 {
            let size = 160 * Float(pow(30.0 / 160.0, Double(k) / 39))
            let update = tracker.update([face(x: 300 - 2 * Float(k) - size / 2, y: 180 - size / 2, size: size)],
                                        at: Double(k) / fps)
            ids.formUnion(update.trackIDs)
        }
        #expect(ids == [1])
    }

    @Test func crossingFacesOfDifferentSizesKeepTheirIDs() {
        // A near face moving right passes a far face moving left, their boxes overlapping for several frames.
        var tracker = Tracker(configuration: .init())
        var first: [UInt64] = []
        for k in 0 ..< 40 {
            let near = face(x: 100 + 10 * Float(k), y: 140, size: 90), far = face(x: 520 - 8 * Float(k), y: 170, size: 45)
            let update = tracker.update(k % 2 == 0 ? [near, far] : [far, near], at: Double(k) / fps)
            let ids = k % 2 == 0 ? update.trackIDs : update.trackIDs.reversed()
            if k == 0 { first = ids }
            #expect(ids == first, "frame \(k)")
        }
    }

    @Test func cutReassociatesByEmbeddingOnlyTheSamePerson() {
        let alice: [Float] = [1, 0, 0, 0], bob: [Float] = [0, 1, 0, 0]
        var tracker = Tracker(configuration: .init(maxGapSeconds: 1, embeddingDistance: 0.4))
        for k in 0 ..< 5 { _ = tracker.update([face(x: 50, y: 50, size: 100)], at: Double(k) / fps) }
        let attached = tracker.setEmbedding(alice, for: 1)
        #expect(attached)
        // Cut: the same face appears across the frame, smaller; an embedding 0.1 away continues track 1.
        var asked = [Int]()
        let update = tracker.update([face(x: 450, y: 200, size: 60)], at: 0.5) { i in
            asked.append(i)
            return [0.995, 0.0998, 0, 0]
        }
        #expect(asked == [0])
        #expect(update.trackIDs == [1])
        #expect(update.reassociated == [1])
        #expect(update.started.isEmpty)
        #expect(tracker.tracks.first?.reassociations == 1)
        // Another cut, to a different person: a new track, and track 1 stays open for its gap.
        let other = tracker.update([face(x: 100, y: 220, size: 60)], at: 0.6) { _ in bob }
        #expect(other.started == [2])
        #expect(other.reassociated.isEmpty)
        #expect(tracker.tracks.map(\.id) == [1, 2])
    }

    @Test func noEmbeddingAskedWhenNothingToCompare() {
        var tracker = Tracker(configuration: .init())
        _ = tracker.update([face(x: 50, y: 50)], at: 0)
        var asked = 0
        // Track 1 has no embedding: a far-away face starts a new track without being embedded.
        let update = tracker.update([face(x: 400, y: 200)], at: 0.1) { _ in
            asked += 1
            return [1, 0]
        }
        #expect(asked == 0)
        #expect(update.started == [2])
    }

    @Test func afterACutAStrangerWhereTheWorkerStoodStartsANewTrack() {
        let alice: [Float] = [1, 0, 0, 0], bob: [Float] = [0, 1, 0, 0]
        var tracker = Tracker(configuration: .init(maxGapSeconds: 1, embeddingDistance: 0.4))
        for k in 0 ..< 5 { _ = tracker.update([face(x: 50, y: 50, size: 100)], at: Double(k) / fps) }
        tracker.setEmbedding(alice, for: 1)
        // The cut shows Bob almost exactly where Alice was: motion would continue her track; the cut forbids it.
        let cut = tracker.update([face(x: 55, y: 50, size: 110)], at: 0.5, cut: true) { _ in bob }
        #expect(cut.started == [2])
        #expect(cut.trackIDs == [2])
        // The frame after: Bob continues his own track, Alice's (seen before the cut) is not continued by position.
        let next = tracker.update([face(x: 57, y: 50, size: 110)], at: 0.6) { _ in bob }
        #expect(next.trackIDs == [2])
        // Alice comes back (by embedding): her track continues.
        let back = tracker.update([face(x: 57, y: 50, size: 110), face(x: 400, y: 200, size: 90)], at: 0.7) { i in
            i == 0 ? bob : [0.99, 0.1, 0, 0]
        }
        #expect(back.trackIDs == [2, 1])
        #expect(back.reassociated == [1])
    }

    @Test func whereFacesMeetAnotherPersonsFaceDoesNotContinueTheTrack() {
        let alice: [Float] = [1, 0, 0, 0], bob: [Float] = [0, 1, 0, 0]
        var tracker = Tracker(configuration: .init(maxGapSeconds: 1))
        // Alice stands still at x = 200; Bob walks in from the left, and the faces overlap.
        for k in 0 ..< 5 {
            _ = tracker.update([face(x: 200, y: 100, size: 100), face(x: 20 + 30 * Float(k), y: 110, size: 90)], at: Double(k) / fps)
        }
        tracker.setEmbedding(alice, for: 1)
        tracker.setEmbedding(bob, for: 2)
        // Alice is hidden behind Bob, whose face is now where hers was: only Bob's face is seen.
        var asked = 0
        let meet = tracker.update([face(x: 190, y: 105, size: 95)], at: 0.5) { _ in
            asked += 1
            return bob
        }
        #expect(asked == 1)
        #expect(meet.trackIDs == [2])
        // Bob walks on and Alice is seen again where she stood: each face continues its own track.
        let apart = tracker.update([face(x: 200, y: 100, size: 100), face(x: 250, y: 110, size: 90)], at: 0.6) { i in
            i == 0 ? alice : bob
        }
        #expect(apart.trackIDs == [1, 2])
    }

    @Test func sceneCutsAreTheWholePictureChanging() throws {
        func frame(_ level: (Int, Int) -> UInt8) throws -> Image {
            var pixels = [UInt8](repeating: 0, count: 320 * 180)
            for y in 0 ..< 180 { for x in 0 ..< 320 { pixels[y * 320 + x] = level(x, y) } }
            return try Image(width: 320, height: 180, format: .gray, pixels: pixels)
        }
        var cuts = SceneCutDetector()
        let room = try frame { x, y in UInt8((x + y) % 200) }
        // A bright face-sized square walks in (a few cells change), walks out, then another scene (every cell
        // changes), then a frame of another size (which starts the comparison over).
        let walkedIn = try frame { x, y in (100 ..< 160).contains(x) && (40 ..< 100).contains(y) ? 255 : UInt8((x + y) % 200) }
        let frames = [room, walkedIn, room, try frame { _, _ in 250 }, try Image(width: 64, height: 36, format: .gray)]
        var seen = [Bool]()
        for f in frames { seen.append(cuts.isCut(f)) }
        #expect(seen == [false, false, false, true, false])
    }
}

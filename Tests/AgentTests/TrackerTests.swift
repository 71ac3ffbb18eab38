import FaceDetection
import Imaging
import Testing
@testable import Agent

/// A face with a box at (x, y) of the given size and frontal keypoints.
func face(x: Float, y: Float, size: Float = 80, score: Float = 0.9) -> DetectedFace {
    let box = Rect(x: x, y: y, width: size, height: size)
    let keypoints = [
        Point(x: x + 0.3 * size, y: y + 0.4 * size), Point(x: x + 0.7 * size, y: y + 0.4 * size),
        Point(x: x + 0.5 * size, y: y + 0.6 * size), Point(x: x + 0.5 * size, y: y + 0.8 * size),
        Point(x: x, y: y + 0.45 * size), Point(x: x + size, y: y + 0.45 * size),
    ]
    return DetectedFace(score: score, box: box, keypoints: keypoints)
}

@Suite struct TrackerTests {
    @Test func idsStayStableAlongASequence() {
        var tracker = Tracker(iouThreshold: 0.3, maxMissedFrames: 3)
        var ids: Set<UInt64> = []
        for frame in 0..<100 {
            // Two faces drifting slowly apart, detections in varying order.
            var faces = [face(x: 100 + Float(frame), y: 100), face(x: 400 - Float(frame), y: 200)]
            if frame % 2 == 1 { faces.reverse() }
            let update = tracker.update(faces)
            let left = update.trackIDs[frame % 2 == 1 ? 1 : 0], right = update.trackIDs[frame % 2 == 1 ? 0 : 1]
            #expect(left == 1 && right == 2, "frame \(frame): \(update.trackIDs)")
            ids.formUnion(update.trackIDs)
        }
        #expect(ids == [1, 2])
    }

    @Test func crossingFacesKeepTheirIDs() {
        // Two faces moving towards each other fast on one line, crossing around frame 15.
        var tracker = Tracker(iouThreshold: 0.2, maxMissedFrames: 3)
        var expected: [UInt64] = []
        for frame in 0..<30 {
            let a = face(x: 40 + 20 * Float(frame), y: 200), b = face(x: 640 - 20 * Float(frame), y: 210)
            let update = tracker.update([a, b])
            if frame == 0 { expected = update.trackIDs }
            #expect(update.trackIDs == expected, "frame \(frame)")
        }
        #expect(expected == [1, 2])
    }

    @Test func trackSurvivesShortGapsAndEndsAfterTooMany() {
        var tracker = Tracker(iouThreshold: 0.3, maxMissedFrames: 2)
        #expect(tracker.update([face(x: 100, y: 100)]).trackIDs == [1])
        #expect(tracker.update([]).ended.isEmpty)
        #expect(tracker.update([]).ended.isEmpty)
        #expect(tracker.update([face(x: 102, y: 100)]).trackIDs == [1], "a two-frame gap keeps the id")
        _ = tracker.update([])
        _ = tracker.update([])
        let ended = tracker.update([]).ended
        #expect(ended.map(\.id) == [1])
        #expect(ended.first?.hits == 2)
        #expect(tracker.tracks.isEmpty)
    }

    @Test func reentryGetsANewID() {
        var tracker = Tracker(iouThreshold: 0.3, maxMissedFrames: 1)
        _ = tracker.update([face(x: 100, y: 100)])
        _ = tracker.update([])
        _ = tracker.update([])
        let update = tracker.update([face(x: 100, y: 100)])
        #expect(update.trackIDs == [2])
        #expect(update.started == [2])
    }

    @Test func newFaceStartsATrackWithoutStealing() {
        var tracker = Tracker(firstID: 1000)
        _ = tracker.update([face(x: 100, y: 100)])
        let update = tracker.update([face(x: 400, y: 100), face(x: 101, y: 100)])
        #expect(update.trackIDs == [1001, 1000])
        #expect(update.started == [1001])
        #expect(tracker.endAll().count == 2)
    }
}

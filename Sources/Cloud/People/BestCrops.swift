// Which crops of a recurring unknown person to show and to enroll from: the best by quality, spread over
// as many tracks as possible (several passes in front of the cameras show more of a face than one pass).

/// Chooses crops by quality, at most `perTrack` from one track, best first.
public struct BestCrops: Sendable, Equatable {
    /// How many crops to choose.
    public var count: Int
    /// At most this many from one track.
    public var perTrack: Int
    /// Crops below this quality are never chosen (0 for display, the enrollment gate for enrolling).
    public var minimumQuality: Double

    public init(count: Int, perTrack: Int, minimumQuality: Double) {
        self.count = count
        self.perTrack = perTrack
        self.minimumQuality = minimumQuality
    }

    /// What the dashboard shows: six crops, two per track at most, any quality.
    public static let display = BestCrops(count: 6, perTrack: 2, minimumQuality: 0)

    /// Enrollment photos: five crops from five tracks at most, of quality 0.5 or better (the photos still pass
    /// the enrollment photo check: one face, eyes far enough apart).
    public static let enrollment = BestCrops(count: 5, perTrack: 1, minimumQuality: 0.5)

    /// The chosen crops, best first. Ties go to the newer crop, then the lower detection id.
    public func choose(from candidates: [CropCandidate]) -> [CropCandidate] {
        let ranked = candidates.filter { $0.quality.isFinite && $0.quality >= minimumQuality }.sorted { a, b in
            if a.quality != b.quality { return a.quality > b.quality }
            if a.time != b.time { return a.time > b.time }
            return a.detectionID < b.detectionID
        }
        var perTrackCount = [String: Int]()
        var chosen = [CropCandidate]()
        for crop in ranked where chosen.count < count {
            let used = perTrackCount[crop.track, default: 0]
            guard used < perTrack else { continue }
            perTrackCount[crop.track] = used + 1
            chosen.append(crop)
        }
        return chosen
    }
}

import Cloud
import Foundation
import Testing

@Suite struct BestCropsTests {
    func crop(_ id: Int64, _ track: String, _ quality: Double, _ t: Double = 0) -> CropCandidate {
        CropCandidate(detectionID: id, track: track, cropFile: "\(id).jpg", quality: quality,
                      time: Date(timeIntervalSince1970: t))
    }

    @Test func bestFirstSpreadOverTracks() {
        let crops = [crop(1, "a", 0.9), crop(2, "a", 0.95), crop(3, "a", 0.8), crop(4, "b", 0.7), crop(5, "c", 0.2)]
        #expect(BestCrops(count: 3, perTrack: 1, minimumQuality: 0).choose(from: crops).map(\.detectionID) == [2, 4, 5])
        #expect(BestCrops(count: 3, perTrack: 2, minimumQuality: 0).choose(from: crops).map(\.detectionID) == [2, 1, 4])
    }

    @Test func theEnrollmentGateLeavesOutPoorCropsEvenIfNothingRemains() {
        let crops = [crop(1, "a", 0.3), crop(2, "b", 0.49), crop(3, "c", .nan)]
        #expect(BestCrops.enrollment.choose(from: crops).isEmpty)
        #expect(BestCrops.enrollment.choose(from: crops + [crop(4, "d", 0.5)]).map(\.detectionID) == [4])
    }

    @Test func tiesGoToTheNewerCropThenTheLowerId() {
        let crops = [crop(7, "a", 0.6, 10), crop(3, "b", 0.6, 20), crop(2, "c", 0.6, 20)]
        #expect(BestCrops(count: 3, perTrack: 1, minimumQuality: 0).choose(from: crops).map(\.detectionID) == [2, 3, 7])
    }
}

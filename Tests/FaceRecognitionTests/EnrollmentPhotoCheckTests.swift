// The enrollment photo check's rules and reasons, on measured faces (the real photos are in CloudTests'
// EnrollmentPhotoTests).
import Imaging
import Testing
@testable import FaceRecognition

@Suite struct EnrollmentPhotoCheckTests {
    func face(side: Float = 200, at x: Float = 100, frontalness: Float = 0.9, chip: Float? = 200) -> EnrollmentPhotoCheck.Candidate {
        var quality = FaceQuality(score: 0.9, shorterSide: side, frontalness: frontalness, laplacianVariance: 500)
        quality.chipLaplacianVariance = chip
        return .init(box: Rect(x: x, y: 50, width: side, height: side), quality: quality)
    }

    func refusal(_ faces: [EnrollmentPhotoCheck.Candidate], checkSize: Bool = true) -> RecognitionError? {
        do {
            _ = try EnrollmentPhotoCheck().accept(faces, checkSize: checkSize)
            return nil
        } catch {
            return error
        }
    }

    @Test func eachRefusalSaysWhy() throws {
        #expect(refusal([])?.code == .noFace)
        let two = refusal([face(), face(side: 180, at: 400)])
        #expect(two?.code == .multipleFaces && two?.detail.contains("2 faces") == true)
        let small = refusal([face(side: 60)])
        #expect(small?.code == .faceTooSmall && small?.detail.contains("60 px") == true)
        // Below the calibrated defaults (frontalness 0.05, chip sharpness 8); the reason names both values.
        let turned = refusal([face(frontalness: 0.02)])
        #expect(turned?.code == .notFrontal && turned?.detail.contains("0.02") == true
                && turned?.detail.contains("0.05") == true)
        let blurred = refusal([face(chip: 6.5)])
        #expect(blurred?.code == .blurred && blurred?.detail.contains("6.5") == true
                && blurred?.detail.contains("8.0") == true)
        // At the limits exactly: accepted.
        #expect(refusal([face(frontalness: 0.05, chip: 8)]) == nil)
        #expect(refusal([face(chip: nil)])?.code == .invalidInput)
    }

    @Test func aSharpFrontalFaceOfEightyPixelsIsAccepted() throws {
        #expect(try EnrollmentPhotoCheck().accept([face(side: 80)]) == 0)
        // A track's crops are not held to the size.
        #expect(refusal([face(side: 40)], checkSize: false) == nil)
    }

    @Test func smallFacesBehindThePersonAreNotASecondPerson() throws {
        // A 200-px face with a 60-px face on a poster behind: one person, the large face.
        #expect(try EnrollmentPhotoCheck().accept([face(side: 60, at: 10), face()]) == 1)
        // Two people of similar size are refused whichever is first.
        #expect(refusal([face(side: 120, at: 10), face()])?.code == .multipleFaces)
    }

    @Test func aProfileIsRefusedByTheEyeSpacingWhateverTheLandmarksSay() throws {
        // dlib's landmarks may call a profile frontal (0.9); the detector's eyes 0.06 of the face apart refuse it.
        var profile = face(frontalness: 0.9)
        profile.quality.eyeSpacing = 0.06
        let inProfile = refusal([profile])
        #expect(inProfile?.code == .notFrontal && inProfile?.detail.contains("profile") == true
                && inProfile?.detail.contains("0.06") == true && inProfile?.detail.contains("0.20") == true)
        // A three-quarter view (0.25) and a face whose spacing was not measured pass.
        var turned = face()
        turned.quality.eyeSpacing = 0.25
        #expect(refusal([turned]) == nil)
        #expect(refusal([face()]) == nil)
    }
}

// Enrollment photos through the cloud's real recognizer (whole-image detection, alignment, chip sharpness,
// embedding) and its enrollment check: every demo photo and every photo a person would use is accepted;
// blurred, tiny, two-person and profile photos made from them are refused, each with its reason.
import FaceRecognition
import Foundation
import Imaging
import ModelSupply
import Testing
@testable import Cloud

@Suite(.serialized) struct EnrollmentPhotoTests {
    static let demos = ["demo-obama", "demo-obama2", "demo-obama3", "demo-biden", "demo-obama-partial"]
    static let recognizer: DlibFaceRecognizer? = try? DlibFaceRecognizer(models: ModelStore.standard(), slots: 1)
    static var haveModels: Bool { recognizer != nil }

    static func photo(_ id: String) throws -> Image {
        try Image.load(contentsOf: try ModelStore.standard().url(for: id).path, options: DecodeOptions(format: .rgb))
    }

    /// The faces the cloud finds in `image` (sent as JPEG, as an upload would be).
    static func faces(_ image: Image) async throws -> [AnalyzedFace] {
        let recognizer = try #require(Self.recognizer)
        return try await recognizer.analyze(try EncodedImage(bytes: try image.jpegData(quality: 92)), emotion: false)
    }

    /// The check's verdict: nil when accepted, else the refusal.
    static func verdict(_ image: Image) async throws -> RecognitionError? {
        let faces = try await Self.faces(image)
        do {
            _ = try CloudConfig().recognition.enrollmentPhotoCheck.accept(faces.map { .init(box: $0.box, quality: $0.quality) })
            return nil
        } catch {
            return error
        }
    }

    @Test(.enabled(if: haveModels))
    func everyDemoPhotoIsAcceptedAtItsOwnSizeAndShrunkToAnEightyPixelFace() async throws {
        for id in Self.demos {
            let image = try Self.photo(id)
            let refusal = try await Self.verdict(image)
            #expect(refusal == nil, "\(id): \(refusal?.description ?? "")")
            if id == "demo-obama" || id == "demo-biden" {
                let width = try #require(try await Self.faces(image).first).box.width
                let small = try PhotoVariants.scaled(image, by: 88 / width)   // a face of about 88 px
                let shrunk = try await Self.verdict(small)
                #expect(shrunk == nil, "\(id) at 88 px: \(shrunk?.description ?? "")")
            }
        }
    }

    @Test(.enabled(if: haveModels))
    func blurredPhotosAreRefusedAsBlurred() async throws {
        for id in ["demo-obama", "demo-biden"] {
            // At 0.6 of its size (the blur stays cheap), blurred with σ of 1/40 of the face width.
            let image = try PhotoVariants.scaled(try Self.photo(id), by: 0.6)
            let width = try #require(try await Self.faces(image).first).box.width
            let refusal = try await Self.verdict(try PhotoVariants.blurred(image, sigma: width / 40))
            #expect(refusal?.code == .blurred, "\(id): \(refusal?.description ?? "accepted")")
            #expect(refusal?.detail.contains("blurred") == true)
        }
    }

    @Test(.enabled(if: haveModels))
    func tinyAndTwoPersonPhotosAreRefusedWithTheReason() async throws {
        let obama = try Self.photo("demo-obama"), biden = try Self.photo("demo-biden")
        let face = try #require(try await Self.faces(obama).first).box
        let tiny = try await Self.verdict(try PhotoVariants.scaled(obama, by: 60 / face.width))
        #expect(tiny?.code == .faceTooSmall && tiny?.detail.contains("at least 80 px") == true, "\(tiny?.description ?? "accepted")")
        let two = try await Self.verdict(try PhotoVariants.sideBySide(obama, biden))
        #expect(two?.code == .multipleFaces && two?.detail.contains("2 faces") == true, "\(two?.description ?? "accepted")")
    }

    @Test(.enabled(if: haveModels))
    func sharpnessOnTheChipDoesNotDependOnTheResolution() async throws {
        // The same sharp photo at full size and at a quarter of it: the chip's sharpness stays of one order,
        // well above the threshold both times.
        let image = try Self.photo("demo-obama")
        let large = try #require(try await Self.faces(image).first?.quality.chipLaplacianVariance)
        let quarter = try #require(try await Self.faces(try PhotoVariants.scaled(image, by: 0.35)).first?.quality.chipLaplacianVariance)
        let limit = Float(CloudConfig().recognition.minEnrollmentSharpness)
        #expect(large > 4 * limit && quarter > 4 * limit, "chip sharpness \(large) at full size, \(quarter) at 35%")
    }
}

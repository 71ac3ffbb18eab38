// The enrollment check on real photos from the shared datasets (read in place, never copied): real profiles, a
// real blurred photo, a real small face and a real two-person photo are refused with their reason, and ordinary
// frontal photos are accepted. Each photo goes through `EnrollmentPhotoCheck.measure` — both BlazeFace ranges
// over scales, dlib alignment, chip sharpness, pose — with the cloud's default limits, as the cloud checks an
// upload. (The demo photos and variants made from them are in CloudTests' EnrollmentPhotoTests.)
import FaceDetection
import Foundation
import Imaging
import ModelSupply
import Testing
import TestSupport
@testable import FaceRecognition

@Suite(.serialized) struct EnrollmentRealPhotoTests {
    /// The cloud's whole-image detector and the dlib embedder (one per test: the embedder is not thread-safe).
    final class Pipeline {
        let detector: MultiScaleFaceDetector
        let embedder: DlibFaceEmbedder

        init() throws {
            let store = try ModelStore.standard()
            detector = MultiScaleFaceDetector(
                short: try BlazeFaceDetector(model: .short, modelURL: store.url(for: BlazeFaceModel.short.modelID)),
                full: try BlazeFaceDetector(model: .full, modelURL: store.url(for: BlazeFaceModel.full.modelID)))
            embedder = DlibFaceEmbedder(models: try DlibModels(network: store.url(for: "dlib-resnet"),
                                                               shapePredictor: store.url(for: "dlib-shape-5")))
        }

        /// The check's verdict on the dataset photo at `path` (relative to the datasets folder): nil when accepted.
        func verdict(_ path: String) throws -> RecognitionError? {
            let image = try Image.load(contentsOf: SharedData.datasets.appendingPathComponent(path).path,
                                       options: DecodeOptions(format: .rgb, maxPixels: 1 << 20))
            let faces = EnrollmentPhotoCheck.measure(detector.detect(image), in: image, embedder: embedder)
            do {
                _ = try EnrollmentPhotoCheck().accept(faces)
                return nil
            } catch {
                return error
            }
        }
    }

    static let ready: Bool = {
        let store = try? ModelStore.standard()
        let models = ["blazeface-short", "blazeface-full", "dlib-resnet", "dlib-shape-5"].allSatisfy { id in
            guard let url = try? store?.url(for: id) else { return false }
            return FileManager.default.fileExists(atPath: url.path)
        }
        return models && SharedData.has("celeba-dev") && SharedData.has("lfw-a") && SharedData.has("orl")
    }()

    @Test(.enabled(if: ready, "needs the fetched models and ../shared/datasets"))
    func realProfilesAreRefusedAsNotFrontal() throws {
        let pipeline = try Pipeline()
        // Two full profiles and a head turned nearly to profile, faces of 120–155 px: dlib's landmark frontalness
        // reads 0.11, 0.00 and 0.91 on them (it passed all but one before the eye-spacing test); the detector's
        // eyes are 0.05–0.09 of the face width apart.
        for path in ["celeba-dev/7204/128794.jpg", "celeba-dev/7231/051937.jpg", "celeba-dev/7213/193355.jpg"] {
            let refusal = try pipeline.verdict(path)
            #expect(refusal?.code == .notFrontal, "\(path): \(refusal?.description ?? "accepted")")
            #expect(refusal?.detail.contains("profile") == true || refusal?.detail.contains("turned") == true)
        }
    }

    @Test(.enabled(if: ready, "needs the fetched models and ../shared/datasets"))
    func realBlurredSmallAndTwoPersonPhotosAreRefusedWithTheReason() throws {
        let pipeline = try Pipeline()
        // Low-resolution photos scaled up (chip sharpness 5.6 and 5.8).
        for path in ["lfw-a/images/Ahmed_Ghazi/Ahmed_Ghazi_0001.jpg", "lfw-a/images/Abdoulaye_Wade/Abdoulaye_Wade_0003.jpg"] {
            let refusal = try pipeline.verdict(path)
            #expect(refusal?.code == .blurred && refusal?.detail.contains("blurred") == true,
                    "\(path): \(refusal?.description ?? "accepted")")
        }
        // A 47-px face in a full photo, and ORL's 92×112 photos, whose faces are about 75 px.
        for path in ["celeba-dev/7220/191478.jpg", "orl/s10/1.pgm"] {
            let small = try pipeline.verdict(path)
            #expect(small?.code == .faceTooSmall && small?.detail.contains("at least 80 px") == true,
                    "\(path): \(small?.description ?? "accepted")")
        }
        // Two men side by side, faces of similar size.
        let two = try pipeline.verdict("lfw-a/images/Abdullah_Gul/Abdullah_Gul_0016.jpg")
        #expect(two?.code == .multipleFaces && two?.detail.contains("2 faces") == true, "\(two?.description ?? "accepted")")
    }

    @Test(.enabled(if: ready, "needs the fetched models and ../shared/datasets"))
    func ordinaryFrontalPhotosAreAccepted() throws {
        let pipeline = try Pipeline()
        for path in FrontalSample.paths {
            let refusal = try pipeline.verdict(path)
            #expect(refusal == nil, "\(path): \(refusal?.description ?? "")")
        }
    }
}

/// Photos a person would use to enroll, checked by eye: frontal or nearly, ≥ 80 px, sharp, one person in the
/// picture.
enum FrontalSample {
    static let paths = [
        "celeba-dev/7201/021650.jpg", "celeba-dev/7204/015278.jpg", "celeba-dev/7210/048791.jpg",
        "celeba-dev/7213/185117.jpg", "celeba-dev/7230/081311.jpg", "celeba-dev/7233/099590.jpg",
        // Turned about 20° and a three-quarter view (the detector's ear-based yaw reads 0 on both; the check
        // must not refuse them), and a face of 84 px.
        "lfw-a/images/Amelie_Mauresmo/Amelie_Mauresmo_0011.jpg", "celeba-dev/7223/140653.jpg",
        "celeba-dev/7201/052054.jpg",
    ]
}

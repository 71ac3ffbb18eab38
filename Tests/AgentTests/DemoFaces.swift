// The pinned demo photos (ModelStore: demo-obama, demo-obama2, demo-obama3, demo-biden) with the real models:
// enrollment embeddings computed by FaceRecognition's dlib embedder, a gallery signed the way the cloud's
// `GallerySigner` signs it, and 640×480 camera frames framed around each photo's face.
import Crypto
import FaceDetection
import FaceRecognition
import Foundation
import TestSupport
import Imaging
import ModelSupply
import RollcallCore
import Wire

/// Real detector and embedder over the demo photos (load once per test: the dlib files take a moment).
struct DemoFaces {
    let store: ModelStore
    let detector: BlazeFaceDetector
    let embedder: DlibFaceEmbedder

    init() throws {
        store = try ModelStore.standard()
        detector = try BlazeFaceDetector(model: .short, modelURL: try store.url(for: "blazeface-short"))
        embedder = DlibFaceEmbedder(models: try DlibModels(network: try store.url(for: "dlib-resnet"),
                                                           shapePredictor: try store.url(for: "dlib-shape-5")))
    }

    /// A demo photo, RGB.
    func photo(_ id: String) throws -> Image {
        try Image.load(contentsOf: try store.url(for: id).path, options: DecodeOptions(format: .rgb))
    }

    /// The largest face BlazeFace finds in `image`.
    func face(in image: Image, _ label: String) throws -> DetectedFace {
        guard let face = detector.detect(image).max(by: { $0.box.area < $1.box.area }) else {
            throw TestSupportError("no face found in \(label)")
        }
        return face
    }

    /// The embedding of a demo photo's face, as the cloud computes it at enrollment.
    func enrollmentEmbedding(_ id: String) throws -> [Float] {
        let image = try photo(id)
        return try embedder.embedding(of: image, face: try face(in: image, id))
    }

    /// A signed snapshot (Wire `GalleryUpdate`, FaceRecognition's snapshot bytes) enrolling each worker with
    /// the embeddings of its photos: byte for byte what the cloud publishes on the site's gallery topic.
    func signedGallery(_ workers: [WorkerID: [String]], version: UInt64,
                       key: Curve25519.Signing.PrivateKey) throws -> (message: Data, gallery: Gallery) {
        var gallery = try Gallery(modelID: embedder.modelID, dimension: embedder.dimension, policy: .defaults(for: .dlib))
        for (worker, photos) in workers {
            try gallery.enroll(workerID: worker, embeddings: try photos.map(enrollmentEmbedding))
        }
        let update = try GalleryUpdate.signed(version: version, modelID: gallery.modelID,
                                              snapshot: Data(gallery.snapshot()), key: key)
        return (try update.encoded(), gallery)
    }

    /// A 640×480 camera frame of a demo photo: a 4:3 region around its face (the face about a third of the
    /// frame wide), moved `shift` pixels to the right; as JPEG.
    func cameraFrame(_ id: String, shift: Float = 0) throws -> [UInt8] {
        let image = try photo(id)
        let face = try face(in: image, id)
        let width = face.box.width * 3, height = width * 0.75
        let region = Rect(x: face.box.center.x - width / 2 - shift * width / 640, y: face.box.center.y - height / 2,
                          width: width, height: height)
        return try image.cropped(covering: region, outside: .fill(96)).resized(width: 640, height: 480).jpegData()
    }

    /// A 640×480 frame without a face.
    static func emptyFrame() throws -> [UInt8] {
        try Image(width: 640, height: 480, format: .rgb, pixels: [UInt8](repeating: 96, count: 640 * 480 * 3)).jpegData()
    }
}

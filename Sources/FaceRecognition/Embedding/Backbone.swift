/// The identity embedding networks Rollcall can use.
public enum Backbone: String, Sendable, CaseIterable, Codable {
    /// dlib's ResNet (dlib_face_recognition_resnet_model_v1), 128-d, Euclidean distance. The default.
    case dlib
    /// VGG16 (the original design's), see `FaceRecognition/VGG16`.
    case vgg16

    /// The model identity written into gallery snapshots: embeddings from different models never mix.
    public var modelID: String {
        switch self {
        case .dlib: "dlib-resnet-v1"
        case .vgg16: "vgg16"
        }
    }
}

// What edge-match and privacy modes add to an assembled agent: FaceRecognition's dlib models, loaded once and
// shared by every camera's embedder, and the matcher over the cached, signed gallery.
import FaceRecognition
import ModelSupply

extension AgentAssembly {
    /// What edge-match and privacy modes add to every camera: the shared dlib models and the gallery matcher.
    struct LocalRecognition: Sendable {
        let models: DlibModels
        let matcher: EdgeMatcher
    }

    /// dlib's ResNet and 5-point shape predictor (`dlib-resnet`, `dlib-shape-5`), loaded once for every camera.
    static func dlibModels(_ store: ModelStore) throws -> DlibModels {
        do {
            return try DlibModels(network: try store.url(for: "dlib-resnet"),
                                  shapePredictor: try store.url(for: "dlib-shape-5"))
        } catch {
            throw AgentAssemblyError(.resource, component: "models (dlib-resnet, dlib-shape-5)",
                                     detail: String(describing: error))
        }
    }
}

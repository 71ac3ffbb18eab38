/// The weights (and model description, when present) of a Keras `.h5` file, read through libhdf5.
///
/// Format (Keras 2.x `save` / `save_weights`, written by h5py):
/// - Full models keep weights in group `/model_weights` and the architecture as the root attribute
///   `model_config` (JSON, `{"class_name": "Model", "config": {"layers": […]}}`). Weight-only files (e.g.
///   `keras.applications`' ImageNet weights, DeepFace's VGG-Face) keep the weights at the root and have no
///   `model_config`.
/// - The weights group's attribute `layer_names` lists the layers in order (including weightless ones); each
///   layer is a subgroup whose attribute `weight_names` lists its arrays in Keras's order (e.g. `kernel:0`,
///   `bias:0`; batch norm: `gamma`, `beta`, `moving_mean`, `moving_variance`), stored as datasets at
///   `<layer>/<weight name>`.
/// Every array is read at load; a missing or damaged one throws `HDF5Error` naming it.
public struct KerasWeights: Sendable {
    /// The file read, for messages.
    public let path: String
    /// The root `model_config` JSON, when the file holds a whole model.
    public let modelConfigJSON: String?
    /// Root attribute `keras_version`, when present.
    public let kerasVersion: String?
    /// Layer names in the file's order.
    public let layerNames: [String]
    /// Each layer's arrays, in Keras's order (empty for weightless layers).
    public let layers: [String: [KerasTensor]]

    /// Reads every weight of the Keras file at `path`.
    public init(path: String) throws(HDF5Error) {
        let file = try HDF5File(path: path)
        self.path = path
        modelConfigJSON = file.hasAttribute("model_config") ? try file.stringAttribute("model_config").first : nil
        kerasVersion = file.hasAttribute("keras_version") ? try file.stringAttribute("keras_version").first : nil
        let group = file.exists("/model_weights") ? "/model_weights" : ""
        guard file.hasAttribute("layer_names", of: group.isEmpty ? "/" : group) else {
            throw HDF5Error(.missing, file: path, object: (group.isEmpty ? "/" : group) + "@layer_names",
                            detail: "not a Keras weights file (no layer_names attribute)")
        }
        layerNames = try file.stringAttribute("layer_names", of: group.isEmpty ? "/" : group)
        var layers: [String: [KerasTensor]] = [:]
        for layer in layerNames {
            let layerPath = "\(group)/\(layer)"
            guard file.exists(layerPath) else {
                throw HDF5Error(.missing, file: path, object: layerPath, detail: "layer listed in layer_names has no group")
            }
            let names = file.hasAttribute("weight_names", of: layerPath) ? try file.stringAttribute("weight_names", of: layerPath) : []
            var tensors: [KerasTensor] = []
            for name in names {
                let (shape, values) = try file.floatDataset("\(layerPath)/\(name)")
                tensors.append(KerasTensor(name: name, shape: shape, values: values))
            }
            layers[layer] = tensors
        }
        self.layers = layers
    }

    /// The arrays of `layer`; throws if the file has no such layer or it has fewer than `count` arrays.
    public func tensors(of layer: String, count: Int) throws(HDF5Error) -> [KerasTensor] {
        guard let tensors = layers[layer] else {
            throw HDF5Error(.missing, file: path, object: layer, detail: "no weights for this layer")
        }
        guard tensors.count >= count else {
            throw HDF5Error(.shapeMismatch, file: path, object: layer,
                            detail: "expected \(count) arrays, found \(tensors.count)")
        }
        return tensors
    }

    /// The parsed `model_config`; throws `.missing` for a weights-only file.
    public func modelConfig() throws(HDF5Error) -> KerasModelConfig {
        guard let modelConfigJSON else {
            throw HDF5Error(.missing, file: path, object: "/@model_config", detail: "weights-only file: no model_config")
        }
        return try KerasModelConfig(json: modelConfigJSON, file: path)
    }
}

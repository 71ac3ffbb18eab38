import Foundation

/// The layer graph of a Keras functional model, from its `model_config` JSON.
///
/// Only the structure is interpreted here (names, classes, inbound layers); each layer's `config` stays a
/// `JSONValue` for the model builder that knows what the class needs.
public struct KerasModelConfig: Sendable {
    /// One layer of the graph.
    public struct Layer: Sendable {
        /// Unique layer name (also the weights subgroup's name).
        public let name: String
        /// Keras class, e.g. `Conv2D`, `SeparableConv2D`, `BatchNormalization`, `Add`.
        public let className: String
        /// The layer's own configuration object.
        public let config: JSONValue
        /// Names of the layers feeding it (first call only; shared layers are not supported).
        public let inbound: [String]
    }

    /// Layers in the file's (topological) order.
    public let layers: [Layer]
    /// Names of the model's output layers.
    public let outputs: [String]

    /// Parses `json`; `file` names the source in errors.
    public init(json: String, file: String) throws(HDF5Error) {
        let root: JSONValue
        do {
            root = try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8))
        } catch {
            throw HDF5Error(.badModelConfig, file: file, object: "/@model_config", detail: "not JSON: \(error)")
        }
        guard let layerList = root["config"]?["layers"]?.arrayValue else {
            throw HDF5Error(.badModelConfig, file: file, object: "/@model_config", detail: "no config.layers array (not a functional model)")
        }
        var layers: [Layer] = []
        for (index, entry) in layerList.enumerated() {
            guard let name = entry["name"]?.stringValue, let className = entry["class_name"]?.stringValue,
                  let config = entry["config"] else {
                throw HDF5Error(.badModelConfig, file: file, object: "/@model_config", detail: "layer \(index) lacks name, class_name or config")
            }
            var inbound: [String] = []
            if let nodes = entry["inbound_nodes"]?.arrayValue, let first = nodes.first?.arrayValue {
                for connection in first {
                    guard let source = connection.arrayValue?.first?.stringValue else {
                        throw HDF5Error(.badModelConfig, file: file, object: "/@model_config", detail: "layer \(name): malformed inbound node")
                    }
                    inbound.append(source)
                }
            }
            layers.append(Layer(name: name, className: className, config: config, inbound: inbound))
        }
        self.layers = layers
        outputs = root["config"]?["output_layers"]?.arrayValue?.compactMap { $0.arrayValue?.first?.stringValue } ?? []
    }
}

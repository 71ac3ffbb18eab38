/// The seven FER-2013 emotion classes, in fer's (and the model's output) order.
public enum EmotionLabel: Int, Sendable, CaseIterable, Codable, CustomStringConvertible {
    case angry = 0
    case disgust
    case fear
    case happy
    case sad
    case surprise
    case neutral

    /// The class's name as fer and FER-2013 spell it.
    public var name: String {
        switch self {
        case .angry: "angry"
        case .disgust: "disgust"
        case .fear: "fear"
        case .happy: "happy"
        case .sad: "sad"
        case .surprise: "surprise"
        case .neutral: "neutral"
        }
    }

    public var description: String { name }

    /// The class a dataset folder stands for: FER-2013's names and common synonyms (`anger`, `sadness`,
    /// `happiness`, `disgusted`, `fearful`, `surprised`), case-insensitive; nil for anything else.
    public init?(folderName: String) {
        let key = folderName.lowercased()
        if let label = Self.allCases.first(where: { $0.name == key }) {
            self = label
            return
        }
        switch key {
        case "anger", "angered": self = .angry
        case "disgusted": self = .disgust
        case "fearful", "afraid", "scared": self = .fear
        case "happiness", "joy": self = .happy
        case "sadness": self = .sad
        case "surprised": self = .surprise
        default: return nil
        }
    }
}

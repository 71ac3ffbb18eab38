// The identification protocol decides every probe with the gallery's match policy (the ratio test included).
import Evaluation
import FaceRecognition
import Testing

@Suite struct IdentificationPolicyTests {
    @Test func theIdentificationProtocolDecidesWithThePolicy() throws {
        // Enrolled people 0 and 2 (workers 1 and 3) at x = 0 and x = 1; stranger person 1 between them.
        let people = [
            IdentificationProtocol.Person(name: "a", embeddings: [[0, 0], [0.1, 0], [0.45, 0]]),
            IdentificationProtocol.Person(name: "s", embeddings: [[0.4, 0], [0.5, 0], nil]),
            IdentificationProtocol.Person(name: "b", embeddings: [[1, 0], [0.95, 0]]),
        ]
        let strict = try IdentificationProtocol.evaluate(people: people, enroll: 1, modelID: "m", dimension: 2,
                                                         policy: MatchPolicy(threshold: 0.47, margin: 0, ratio: 0.86))
        // Known probes: 0.1 (ratio 0.11, accepted), 0.45 (0.45 / 0.55 = 0.82, accepted), 0.95 (accepted).
        #expect(strict.knownProbes == 3 && strict.tpir == 1)
        // Strangers: 0.4 (0.4 / 0.6 = 0.67 < 0.86: accepted), 0.5 (tooFar), no face (refused).
        #expect(strict.strangerProbes == 3 && abs(strict.fpir - 1.0 / 3.0) < 1e-9)
        #expect(strict.noFaceStrangerProbe == 1)
        let tighter = try IdentificationProtocol.evaluate(people: people, enroll: 1, modelID: "m", dimension: 2,
                                                          policy: MatchPolicy(threshold: 0.47, margin: 0, ratio: 0.6))
        #expect(tighter.fpir == 0 && abs(tighter.tpir - 2.0 / 3.0) < 1e-9)
    }
}

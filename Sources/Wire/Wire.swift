// Wire: the MQTT topic tree and message types shared by agent and cloud (encoding, validation).

"""Next best action: features, a propensity model, candidate actions, rules and a replay."""

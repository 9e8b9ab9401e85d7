
      export type PossibleTypesResultData = {
  "possibleTypes": {
    "AuthResult": [
      "AuthSuccess",
      "PendingStep"
    ]
  }
};
      const result: PossibleTypesResultData = {
  "possibleTypes": {
    "AuthResult": [
      "AuthSuccess",
      "PendingStep"
    ]
  }
};
      export default result;
    
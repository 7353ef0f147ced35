package models

// WithConnectTimeout exposes withConnectTimeout to the external tests.
var WithConnectTimeout = withConnectTimeout

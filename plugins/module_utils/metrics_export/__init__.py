"""Export of the agent system's own metrics: a Prometheus textfile and a Pushgateway push."""

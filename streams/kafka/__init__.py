"""Entente on Apache Kafka: a local KRaft broker from the Maven jars, the Faust app and its codec."""

"""Running the pipeline without AWS: the embedded emulator (moto's server) or any endpoint in
AWS_ENDPOINT_URL (LocalStack), resources created from template.yaml, and handlers driven as Lambda's SQS
event source mapping drives them. Imported only by the CLI and the tests, never by the Lambdas."""

"""The only modules that talk to AWS. Clients come from boto3's default chain, so AWS_ENDPOINT_URL points
them at LocalStack or the embedded emulator without a code change."""

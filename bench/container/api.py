#!/usr/bin/env python3
"""The reference container recipe through the Image Builder API (boto3), for bench/container-pipeline.sh.

  api.py ENDPOINT setup          creates component, container recipe, infrastructure and pipeline; prints the pipeline ARN
  api.py ENDPOINT run PIPELINE   starts the pipeline, polls GetImage every 20 ms, prints milliseconds from the start
                                 call to AVAILABLE (exit 1 when the image ends otherwise)
Credentials and region come from the environment (AWS_SHARED_CREDENTIALS_FILE, AWS_DEFAULT_REGION).
"""
import os
import sys
import time
import uuid

import boto3

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def client(endpoint):
    return boto3.client("imagebuilder", endpoint_url=endpoint)


def setup(api):
    region = api.meta.region_name
    name = "bench-" + uuid.uuid4().hex[:8]
    with open(os.path.join(ROOT, "examples", "build", "hello-container.yaml")) as f:
        document = f.read()
    with open(os.path.join(HERE, "Dockerfile.kiln")) as f:
        template = f.read()
    component = api.create_component(name=name, semanticVersion="1.0.0", platform="Linux", data=document,
                                     clientToken=uuid.uuid4().hex)["componentBuildVersionArn"]
    recipe = api.create_container_recipe(
        name=name, semanticVersion="1.0.0", containerType="DOCKER",
        parentImage="arn:aws:imagebuilder:%s:aws:image/debian-12-container/x.x.x" % region,
        dockerfileTemplateData=template, targetRepository={"service": "ECR", "repositoryName": "bench/app"},
        components=[{"componentArn": component}], clientToken=uuid.uuid4().hex)["containerRecipeArn"]
    infra = api.create_infrastructure_configuration(name=name, instanceProfileName="kiln",
                                                    clientToken=uuid.uuid4().hex)["infrastructureConfigurationArn"]
    pipeline = api.create_image_pipeline(name=name, containerRecipeArn=recipe, infrastructureConfigurationArn=infra,
                                         imageTestsConfiguration={"imageTestsEnabled": True},
                                         clientToken=uuid.uuid4().hex)["imagePipelineArn"]
    print(pipeline)


def run(api, pipeline):
    start = time.monotonic()
    arn = api.start_image_pipeline_execution(imagePipelineArn=pipeline,
                                             clientToken=uuid.uuid4().hex)["imageBuildVersionArn"]
    while True:
        state = api.get_image(imageBuildVersionArn=arn)["image"]["state"]
        if state["status"] in ("AVAILABLE", "FAILED", "CANCELLED"):
            break
        time.sleep(0.02)
    took = (time.monotonic() - start) * 1000
    if state["status"] != "AVAILABLE":
        print("%s ended %s: %s" % (arn, state["status"], state.get("reason", "")), file=sys.stderr)
        sys.exit(1)
    print("%.0f" % took)


if __name__ == "__main__":
    api = client(sys.argv[1])
    if sys.argv[2] == "setup":
        setup(api)
    else:
        run(api, sys.argv[3])

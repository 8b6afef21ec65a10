"""boto3 against a Kiln server, as a script that uses Image Builder would: create, get, list, paginate
with boto3's own paginator, tag, and read every error as a botocore ClientError code.

Usage: python3 boto3_flow.py ENDPOINT REGION OTHER_REGION, with AWS_SHARED_CREDENTIALS_FILE naming a
credentials file whose default profile is a Kiln access key (of an account with no resources yet).
Checks as it goes (a failed check exits non-zero with the reason); the last line printed is a JSON
summary that AwsCliIT checks again.
"""
import json
import sys
import uuid

import boto3
import botocore
from botocore.exceptions import ClientError

endpoint, region, other_region = sys.argv[1:4]
session = boto3.session.Session(region_name=region)
client = session.client('imagebuilder', endpoint_url=endpoint)
west = session.client('imagebuilder', region_name=other_region, endpoint_url=endpoint)

DOC = """schemaVersion: 1.0
parameters:
  - Greeting:
      type: string
      default: hello
      description: what to say
phases:
  - name: build
    steps:
      - name: Say
        action: ExecuteBash
        inputs:
          commands:
            - echo {{ Greeting }}
"""
PARENT = 'arn:aws:imagebuilder:%s:aws:image/debian-12-x86/x.x.x' % region
errors = []


def check(condition, what):
    if not condition:
        print('check failed: ' + what, file=sys.stderr)
        sys.exit(1)


def unique(prefix):
    return '%s-%s' % (prefix, uuid.uuid4().hex[:8])


def expect_error(code, status, call, *args, **kwargs):
    """Runs a call that must fail with the error code (and HTTP status); records the code."""
    try:
        call(*args, **kwargs)
    except ClientError as e:
        got = e.response['Error']['Code']
        check(got == code, 'expected %s from %s, got %s: %s' % (code, call.__name__, got, e))
        got_status = e.response['ResponseMetadata']['HTTPStatusCode']
        check(got_status == status, '%s: expected HTTP %d, got %d' % (code, status, got_status))
        check(e.response['Error'].get('Message'), code + ' without a message')
        check(e.response['ResponseMetadata'].get('RequestId'), code + ' without a request id')
        errors.append(got)
        return e
    check(False, 'expected %s from %s, but it succeeded' % (code, call.__name__))


def create_component(name, version='1.0.0', **extra):
    return client.create_component(name=name, semanticVersion=version, platform='Linux', data=DOC, **extra)


# ---- create, get, build versions
name = unique('boto3')
created = create_component(name, description='from boto3', tags={'team': 'kiln'})
arn = created['componentBuildVersionArn']
account = arn.split(':')[4]
check(arn == 'arn:aws:imagebuilder:%s:%s:component/%s/1.0.0/1' % (region, account, name), arn)
check(created['clientToken'], 'boto3 fills in the clientToken')
check(created['ResponseMetadata']['RequestId'], 'x-amzn-RequestId becomes RequestId')
component = client.get_component(componentBuildVersionArn=arn)['component']
check(component['name'] == name and component['data'] == DOC, 'get_component answers what was created')
check(component['type'] == 'BUILD' and component['owner'] == account, 'type and owner')
check(component['parameters'][0]['name'] == 'Greeting', 'parameters come from the document')
check(component['tags'] == {'team': 'kiln'}, 'tags')
second = create_component(name)['componentBuildVersionArn']
check(second.endswith('/1.0.0/2'), second)
builds = client.list_component_build_versions(
    componentVersionArn=arn.rsplit('/', 1)[0])['componentSummaryList']
check(sorted(b['arn'] for b in builds) == sorted([arn, second]), 'both builds listed')

# ---- list with filters, pages of 25, boto3's paginator
prefix = unique('page')
names = ['%s-%02d' % (prefix, i) for i in range(30)]
for n in names:
    create_component(n, description=prefix)
by_description = [{'name': 'description', 'values': [prefix]}]
first = client.list_components(owner='Self', filters=by_description, maxResults=25)
check(len(first['componentVersionList']) == 25 and first.get('nextToken'), 'first page of 25')
rest = client.list_components(owner='Self', filters=by_description, maxResults=25, nextToken=first['nextToken'])
check(len(rest['componentVersionList']) == 5 and 'nextToken' not in rest, 'last page of 5')
has_paginator = client.can_paginate('list_components')
if has_paginator:
    paginator = client.get_paginator('list_components')
    pages = list(paginator.paginate(filters=by_description, PaginationConfig={'PageSize': 7}))
else:
    # botocore models before 2023 have no imagebuilder paginators (Debian 12's python3-botocore):
    # follow nextToken by hand, as a script for those versions does
    pages = [client.list_components(filters=by_description, maxResults=7)]
    while pages[-1].get('nextToken'):
        pages.append(client.list_components(filters=by_description, maxResults=7, nextToken=pages[-1]['nextToken']))
paged = [v['name'] for page in pages for v in page['componentVersionList']]
check(sorted(paged) == names, 'the paginator walks every page')
check(len(client.list_components(filters=[{'name': 'name', 'values': [names[3], names[7]]}])
          ['componentVersionList']) == 2, 'a filter with two values')
expect_error('InvalidPaginationTokenException', 400, client.list_components, nextToken='bm90IGEgdG9rZW4')

# ---- tags
client.tag_resource(resourceArn=arn, tags={'a': '1', 'b c': '2'})
check(client.list_tags_for_resource(resourceArn=arn)['tags'] == {'team': 'kiln', 'a': '1', 'b c': '2'}, 'tagged')
client.untag_resource(resourceArn=arn, tagKeys=['a', 'b c'])
check(client.list_tags_for_resource(resourceArn=arn)['tags'] == {'team': 'kiln'}, 'untagged')

# ---- errors, as ClientError codes and as the client's modeled exception classes
try:
    client.get_component(componentBuildVersionArn=arn.replace(name, 'no-such-component'))
    check(False, 'a missing component was found')
except client.exceptions.ResourceNotFoundException as e:
    check(e.response['ResponseMetadata']['HTTPStatusCode'] == 404, 'ResourceNotFoundException is a 404')
    errors.append(e.response['Error']['Code'])
expect_error('InvalidParameterCombinationException', 400, client.create_component, name=unique('both'),
             semanticVersion='1.0.0', platform='Linux', data=DOC, uri='s3://bucket/doc.yaml')
expect_error('InvalidRequestException', 400, client.create_component, name='bad name!', semanticVersion='1.0.0',
             platform='Linux', data=DOC)
expect_error('InvalidVersionNumberException', 400, client.create_component, name=unique('v'),
             semanticVersion='1073741824.0.0', platform='Linux', data=DOC)
token = str(uuid.uuid4())
again = create_component(unique('idem'), clientToken=token)
expect_error('IdempotentParameterMismatchException', 400, create_component, unique('idem'), clientToken=token)
same_token = unique('same')
one = create_component(same_token, clientToken=same_token)
two = create_component(same_token, clientToken=same_token)
check(one['componentBuildVersionArn'] == two['componentBuildVersionArn'], 'the same token answers the same ARN')

has_dry_run = 'dryRun' in client.meta.service_model.operation_model('CreateComponent').input_shape.members
if has_dry_run:
    expect_error('DryRunOperationException', 412, create_component, unique('dry'), dryRun=True)

recipe_name = unique('recipe')
recipe = client.create_image_recipe(name=recipe_name, semanticVersion='1.0.0', parentImage=PARENT,
                                    components=[{'componentArn': arn}])['imageRecipeArn']
expect_error('ResourceAlreadyExistsException', 400, client.create_image_recipe, name=recipe_name,
             semanticVersion='1.0.0', parentImage=PARENT, components=[{'componentArn': arn}])
expect_error('ResourceDependencyException', 400, client.delete_component, componentBuildVersionArn=arn)
infra = client.create_infrastructure_configuration(name=unique('infra'), instanceProfileName='kiln-builder')[
    'infrastructureConfigurationArn']
pipeline = client.create_image_pipeline(name=unique('pipeline'), imageRecipeArn=recipe,
                                        infrastructureConfigurationArn=infra,
                                        schedule={'scheduleExpression': 'cron(0 10 * * ? *)'})['imagePipelineArn']
image = client.start_image_pipeline_execution(imagePipelineArn=pipeline)['imageBuildVersionArn']
check(client.get_image(imageBuildVersionArn=image)['image']['state']['status'] == 'PENDING', 'a pending image')
expect_error('ResourceInUseException', 400, client.start_image_pipeline_execution, imagePipelineArn=pipeline)
owned = client.list_images(owner='Self')['imageVersionList']
check([v['arn'] for v in owned] == [image.rsplit('/', 1)[0]], 'list_images owner Self')
kilns = client.list_images(owner='Amazon')['imageVersionList']
check('debian-12-x86' in [v['name'] for v in kilns], 'list_images owner Amazon')

# ---- regions and signatures
check(west.list_components()['componentVersionList'] == [], 'another region sees nothing')
expect_error('ResourceNotFoundException', 404, west.get_component, componentBuildVersionArn=arn)
key = session.get_credentials().access_key
wrong = boto3.session.Session(aws_access_key_id=key, aws_secret_access_key='wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
                              region_name=region).client('imagebuilder', endpoint_url=endpoint)
expect_error('InvalidSignatureException', 403, wrong.list_components)
unknown = boto3.session.Session(aws_access_key_id='AKIAIOSFODNN7EXAMPLE',
                                aws_secret_access_key='wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
                                region_name=region).client('imagebuilder', endpoint_url=endpoint)
expect_error('UnrecognizedClientException', 403, unknown.list_images)

print(json.dumps({'account': account, 'paged': len(paged), 'pages': len(pages), 'errors': errors,
                  'hasDryRun': has_dry_run, 'hasPaginator': has_paginator, 'boto3': boto3.__version__, 'botocore': botocore.__version__}))

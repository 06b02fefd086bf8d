-- Each inspection with the rules of the methodology its return declares (scoring dispatches on
-- these) and the attributes the scoring marts group and label by, so they read one model.
select
    inspections.inspection_id,
    inspections.group_id,
    inspections.methodology_id,
    methodologies.catalogue_id,
    methodologies.score_rule,
    nullif(methodologies.rating_scale, '') as rating_scale,
    inspections.area,
    inspections.group_theme,
    inspections.fieldwork_start,
    inspections.publication_id,
    inspections.return_sha256
from {{ ref('stg_inspection__inspections') }} as inspections
inner join {{ ref('methodologies') }} as methodologies
    on methodologies.methodology_id = inspections.methodology_id

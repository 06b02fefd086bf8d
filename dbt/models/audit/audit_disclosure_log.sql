-- What disclosure control withheld in the current publication, and why: cell coordinates and a
-- reason, never a count. Kept in the private warehouse (schema audit) and written by every
-- publication to disclosure/<publication_id>.csv for the research team.
with latest_publication as (
    select publication_id, published_at
    from {{ ref('stg_platform__publications') }}
    order by published_at desc, publication_id desc
    limit 1
)

select
    latest_publication.publication_id,
    latest_publication.published_at,
    cells.result_set,
    cells.results_level,
    cells.unit_id,
    cells.question_id,
    cells.answer_option,
    cells.suppression_reason,
    cells.disclosure_threshold
from {{ ref('int_disclosure_controlled_cells') }} as cells
cross join latest_publication
where cells.suppression_reason is not null

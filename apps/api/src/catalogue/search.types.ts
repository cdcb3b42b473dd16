import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import { PageInfo } from '@app/common';
import { AiSystem } from './ai-system.type.js';

@ObjectType()
export class SearchHighlight {
  @Field({ description: 'name or shortDescription' })
  field!: string;

  @Field({ description: 'HTML-escaped text with the matches wrapped in <mark>…</mark>.' })
  html!: string;
}

@ObjectType()
export class AiSystemSearchEdge {
  @Field()
  cursor!: string;

  @Field(() => AiSystem)
  node!: AiSystem;

  @Field(() => [SearchHighlight], { description: 'Empty without a query.' })
  highlights!: SearchHighlight[];

  @Field(() => Float, { nullable: true, description: 'Relevance (higher is better); null without a query.' })
  score!: number | null;
}

@ObjectType()
export class FacetValue {
  @Field()
  value!: string;

  @Field(() => Int)
  count!: number;
}

@ObjectType()
export class SearchFacet {
  @Field({ description: 'The filter field these counts belong to, e.g. lifecycle.' })
  field!: string;

  @Field(() => [FacetValue], {
    description:
      'Counts for the current query and every other filter (the field\'s own filter left out), most frequent first; at most `first` of `facets(first:)`.',
  })
  values!: FacetValue[];

  @Field(() => Int, { description: 'How many distinct values have a count; more than `values` lists when it was cut at `first`.' })
  valueCount!: number;
}

@ObjectType()
export class AiSystemSearchResult {
  @Field(() => [AiSystemSearchEdge])
  edges!: AiSystemSearchEdge[];

  @Field(() => [AiSystem])
  nodes!: AiSystem[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int, { description: 'All matches, not only this page.' })
  totalCount!: number;

  /** Every value of every facet; the facets field (AiSystemSearchResultResolver) hands out the first n of each. */
  facets!: SearchFacet[];

  @Field(() => String, { nullable: true, description: 'A corrected query when words were not found in the catalogue (e.g. "Chatbto" → "chatbot").' })
  didYouMean!: string | null;
}

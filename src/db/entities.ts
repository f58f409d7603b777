import { Organisation } from '../modules/organisation/organisation.entity';
import { Funding } from '../modules/funding/funding.entity';
import { Outcome, OutcomeOrganisation } from '../modules/outcome/outcome.entity';
import { Participation } from '../modules/participation/participation.entity';
import { Programme, ProgrammeRegion, ProgrammeTerritory } from '../modules/programme/programme.entity';
import { Project, ProjectTerritory, ProjectTheme } from '../modules/project/project.entity';
import { Claim } from '../modules/provenance/claim.entity';
import { Source } from '../modules/provenance/source.entity';
import { Territory, TerritoryEdge } from '../modules/territory/territory.entity';
import { Theme } from '../modules/theme/theme.entity';

export const entities = [
  Source,
  Claim,
  Territory,
  TerritoryEdge,
  Organisation,
  Programme,
  ProgrammeTerritory,
  ProgrammeRegion,
  Theme,
  Project,
  ProjectTheme,
  ProjectTerritory,
  Participation,
  Funding,
  Outcome,
  OutcomeOrganisation,
];

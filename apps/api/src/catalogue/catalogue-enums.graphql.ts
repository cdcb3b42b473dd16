import { registerEnumType } from '@nestjs/graphql';
import {
  AiActRiskClass,
  AiTechnique,
  AssessmentStatus,
  DeploymentMode,
  EntryStatus,
  Lifecycle,
  Maintenance,
  PolicyArea,
  ReusePotential,
} from '@app/data';

registerEnumType(EntryStatus, { name: 'EntryStatus', description: 'DRAFT → IN_REVIEW → PUBLISHED | CHANGES_REQUESTED; PUBLISHED → ARCHIVED.' });
registerEnumType(Lifecycle, { name: 'Lifecycle' });
registerEnumType(AiActRiskClass, { name: 'AiActRiskClass', description: 'Risk class under the EU AI Act.' });
registerEnumType(AssessmentStatus, { name: 'AssessmentStatus', description: 'State of a DPIA or FRIA.' });
registerEnumType(DeploymentMode, { name: 'DeploymentMode' });
registerEnumType(Maintenance, { name: 'Maintenance' });
registerEnumType(ReusePotential, { name: 'ReusePotential' });
registerEnumType(PolicyArea, { name: 'PolicyArea' });
registerEnumType(AiTechnique, { name: 'AiTechnique' });

export { AiActRiskClass, AiTechnique, AssessmentStatus, DeploymentMode, EntryStatus, Lifecycle, Maintenance, PolicyArea, ReusePotential };
